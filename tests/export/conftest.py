"""The UI fixtures of tests/web (API and UI in one app, a browser-like client) for the form checks."""

from tests.web.conftest import browser_client, tenant, web_app

__all__ = ["browser_client", "tenant", "web_app"]
