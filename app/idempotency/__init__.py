"""Idempotency keys for POST requests (IETF draft httpapi-idempotency-key-header)."""
