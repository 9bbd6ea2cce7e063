"""Notifications: inbox, who hears what, mail through a real SMTP server."""
