"""Aggregate figures about incidents, without personal data."""
