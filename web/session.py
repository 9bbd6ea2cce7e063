"""The browser session: one encrypted cookie holding the API token, the CSRF token and flashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from cryptography.fernet import Fernet, InvalidToken
from pydantic import BaseModel, Field, ValidationError
from starlette.requests import HTTPConnection

MAX_AGE_SECONDS = 12 * 3600


class SessionUser(BaseModel):
    """Who is logged in, as the API reported at login."""

    id: str
    email: str
    name: str
    roles: list[str]
    # The stored language preference (used unless the language switch was used in this session).
    locale: str | None = None
    # The organisation's language: what a user without a preference sees.
    organisation_locale: str | None = None
    # After an admin reset the password: the user is sent to change it before anything else.
    must_change_password: bool = False
    # The organisation's time zone: dates are shown, and local times read, in it.
    time_zone: str = "Europe/Amsterdam"


class Flash(BaseModel):
    """A message shown once on the next page (e.g. after a redirect)."""

    level: str
    text: str


class WebSession(BaseModel):
    """What the cookie carries; the browser cannot read or change it (Fernet: AES + HMAC)."""

    csrf: str = Field(default_factory=lambda: secrets.token_urlsafe(32))
    token: str | None = None
    expires_at: datetime | None = None
    user: SessionUser | None = None
    flashes: list[Flash] = Field(default_factory=list)
    expired: bool = False
    language: str | None = None

    @property
    def logged_in(self) -> bool:
        return bool(self.token and self.user and self.expires_at and self.expires_at > datetime.now(UTC))

    def has_role(self, *roles: str) -> bool:
        """True if the user holds any of these roles."""
        return bool(self.user and set(self.user.roles) & set(roles))

    def flash(self, level: str, text: str) -> None:
        """Keep a message for the next page."""
        self.flashes.append(Flash(level=level, text=text))

    def pop_flashes(self) -> list[Flash]:
        """The waiting messages, removed from the session."""
        found, self.flashes = self.flashes, []
        return found

    def end(self, *, expired: bool = False) -> None:
        """Forget the login; the CSRF token stays, so open forms can still be sent after a new login."""
        self.token = None
        self.user = None
        self.expires_at = None
        self.expired = expired


class SessionCodec:
    """Encrypts and decrypts the session cookie with a key derived from the server's secret."""

    def __init__(self, secret_key: str) -> None:
        digest = hashlib.sha256(b"weerbaar-web-session\x00" + secret_key.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def dumps(self, session: WebSession) -> str:
        return self._fernet.encrypt(session.model_dump_json().encode()).decode()

    def loads(self, value: str | None) -> WebSession | None:
        if not value:
            return None
        try:
            raw = self._fernet.decrypt(value.encode(), ttl=MAX_AGE_SECONDS)
            return WebSession.model_validate_json(raw)
        except (InvalidToken, ValidationError, ValueError):
            return None


def is_https(conn: HTTPConnection) -> bool:
    """True behind https (uvicorn's proxy_headers turn X-Forwarded-Proto into the scheme)."""
    return conn.url.scheme == "https"


def cookie_name(conn: HTTPConnection, base: str) -> str:
    """__Host- prefixed over https (Secure, Path=/, no Domain), plain over local http."""
    return f"__Host-{base}" if is_https(conn) else base


def tokens_match(expected: str, given: str | None) -> bool:
    """Constant-time comparison of CSRF tokens."""
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())
