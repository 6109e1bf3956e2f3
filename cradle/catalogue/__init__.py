"""The kite-marked service catalogue: source files -> SQLite -> search."""
