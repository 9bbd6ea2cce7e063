"""Weerbaar: register, handle and follow up digital aggression against municipal employees."""

__version__ = "0.1.0"
API_VERSION = "1.0.0"
