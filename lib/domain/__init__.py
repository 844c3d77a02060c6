"""Pure rules, no I/O: periods, statuses and scoring, permissions, plan parsing (plan/)."""
