"""Mail on for these tests: the settings the domain reads point at a real SMTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.config import get_settings
from tests.notification.smtp import MailServer, running_mail_server

WEB = "https://weerbaar.test"
HELP = "https://intranet.test/hulp"


@pytest.fixture
def mail_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[MailServer]:
    """A running SMTP server, configured as the outgoing mail server."""
    with running_mail_server() as server:
        for name, value in {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(server.port),
            "SMTP_SECURITY": "none",
            "SMTP_FROM": "weerbaar@utrecht.example",
            "SMTP_TIMEOUT_SECONDS": "5",
            "MAIL_MAX_ATTEMPTS": "3",
            "PUBLIC_WEB_URL": WEB,
            "HELP_CONTACTS_URL": HELP,
        }.items():
            monkeypatch.setenv(f"WEERBAAR_{name}", value)
        get_settings.cache_clear()
        yield server
    get_settings.cache_clear()
