"""Message catalogues, one module per language; keys must match (tested)."""
