"""SQLite with a writers' queue (see base.py)."""
