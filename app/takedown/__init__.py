"""Takedown requests: notices to senders, platforms, providers, the DPA and courts, and their letters."""
