"""Backups of an installation (database and evidence store) and restoring them into an empty one."""
