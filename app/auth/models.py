"""Credentials: staff sessions, API clients and login throttling."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import AutoString, Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow


class AuthSession(SQLModel, table=True):
    """A staff login; the bearer token itself is never stored, only its keyed digest."""

    __tablename__ = "auth_session"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    token_digest: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    origin: str | None = Field(default=None, max_length=100)


class ApiClient(SQLModel, table=True):
    """A system that integrates through the API (GIR, SafetyNet, HR, monitoring)."""

    __tablename__ = "api_client"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=200)
    scopes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    token_digest: str = Field(max_length=64, unique=True)
    token_hint: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The client-credentials secret (OAuth2, RFC 6749 section 4.4), as a keyed digest like the
    # token; a client created before OAuth2 has none until its secret is rotated. After a
    # rotation the previous secret keeps working until previous_secret_expires_at.
    secret_digest: str | None = Field(default=None, max_length=64)
    secret_hint: str | None = Field(default=None, max_length=16)
    secret_created_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    previous_secret_digest: str | None = Field(default=None, max_length=64)
    previous_secret_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AccessToken(SQLModel, table=True):
    """A short-lived OAuth2 access token of an API client; only its keyed digest is stored."""

    __tablename__ = "oauth_access_token"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    api_client_id: uuid.UUID = Field(foreign_key="api_client.id", index=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", index=True)
    token_digest: str = Field(max_length=64, unique=True)
    scopes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class LoginThrottle(SQLModel, table=True):
    """Failed logins per client address, and per client address and account, for throttling.

    `key` is "address:<client address>" or "account:<SHA-256 of address and e-mail>" (see
    app.auth.throttle); the column keeps its first name, email, from when only accounts counted.
    """

    __tablename__ = "login_throttle"

    key: str = Field(sa_column=Column("email", AutoString(254), primary_key=True, nullable=False))
    failures: int = 0
    first_failure_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
