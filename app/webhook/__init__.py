"""Webhook subscriptions, events and their signed deliveries (Standard Webhooks)."""
