"""The world fixture: one resource of every kind, made through the API."""

from tests.contract.world import world

__all__ = ["world"]
