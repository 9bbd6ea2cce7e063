"""Trusted timestamps (RFC 3161) for evidence hashes and audit anchors."""
