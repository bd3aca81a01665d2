"""Use cases. Each function takes the store, the acting user and plain data; pages and the CLI call these."""
