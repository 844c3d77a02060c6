"""English (second language): one module per key-prefix group."""
