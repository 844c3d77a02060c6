"""简体中文 (default): one module per key-prefix group."""
