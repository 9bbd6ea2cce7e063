"""Notifications: an inbox per user and e-mail from an outbox, sent by the job runner."""
