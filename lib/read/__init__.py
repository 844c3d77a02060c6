"""The read side: SQL aggregates cached per data version, view models."""
