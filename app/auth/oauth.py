"""OAuth2 client credentials (RFC 6749 section 4.4): client secrets and short-lived access tokens.

An API client authenticates with its id and secret at the token endpoint and gets an access
token with (a subset of) its scopes, valid for a few minutes. Secrets and access tokens are
stored only as keyed digests (app.auth.tokens). A rotated secret keeps working until the end of
the overlap the admin chose, so that the connected system can switch without an outage.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.auth import tokens
from app.auth.actor import Actor, Scope
from app.auth.models import AccessToken, ApiClient
from app.db import beside, utcnow
from app.errors import InvalidState, Unauthenticated

# The longest overlap an admin may give a rotated secret.
MAX_OVERLAP = timedelta(days=30)
# Expired access tokens are kept this long (then deleted when the client gets a new one).
EXPIRED_KEPT = timedelta(days=1)
LAST_USED_GRANULARITY = timedelta(minutes=5)


@dataclass(frozen=True)
class Refusal:
    """An RFC 6749 section 5.2 error: `error` code, a description, and the HTTP status."""

    error: str
    description: str
    status: int = 400


@dataclass(frozen=True)
class Grant:
    """An issued access token; `token` is shown once and never stored."""

    token: str
    expires_in: int
    scopes: list[str]


def new_secret(client: ApiClient, *, key: str, now: datetime) -> str:
    """Give the client a fresh secret (returned once, stored as a digest)."""
    secret = tokens.new_token(tokens.SECRET_PREFIX)
    client.secret_digest = tokens.digest(secret, key)
    client.secret_hint = secret[:8]
    client.secret_created_at = now
    return secret


def rotate_secret(
    session: Session, *, client: ApiClient, key: str, overlap: timedelta, actor: Actor | None = None
) -> str:
    """A new secret; the current one keeps working for `overlap` (an older previous one ends now)."""
    if client.revoked_at is not None:
        raise InvalidState("A revoked API client cannot get a new secret; create a new client.")
    now = utcnow()
    if client.secret_digest and overlap > timedelta(0):
        client.previous_secret_digest = client.secret_digest
        client.previous_secret_expires_at = now + overlap
    else:
        client.previous_secret_digest = None
        client.previous_secret_expires_at = None
    secret = new_secret(client, key=key, now=now)
    session.add(client)
    session.flush()
    audit.record(
        session,
        action="api_client.secret_rotate",
        organisation_id=client.organisation_id,
        actor=actor,
        actor_label=None if actor else "cli",
        object_type="api_client",
        object_id=client.id,
        details={"previousSecretExpiresAt": _iso(client.previous_secret_expires_at)},
    )
    return secret


def previous_secret_valid_until(client: ApiClient, now: datetime | None = None) -> datetime | None:
    """The end of the overlap while the previous secret still works, else None."""
    ends = client.previous_secret_expires_at
    if client.previous_secret_digest and ends and ends > (now or utcnow()):
        return ends
    return None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def _client_by_id(session: Session, client_id: str) -> ApiClient | None:
    try:
        parsed = uuid.UUID(client_id)
    except ValueError:
        return None
    return session.get(ApiClient, parsed)


def _secret_fits(client: ApiClient, secret: str, key: str, now: datetime) -> bool:
    current = tokens.matches(secret, client.secret_digest, key)
    previous = previous_secret_valid_until(client, now) is not None and tokens.matches(
        secret, client.previous_secret_digest, key
    )
    return current or previous


def parse_scope(raw: str | None, granted: list[str]) -> list[str] | Refusal:
    """The scopes asked for (space-delimited, RFC 6749 section 3.3), all of the client's when none."""
    names = (raw or "").split()
    if not names:
        return list(granted)
    unknown = [n for n in names if n not in granted]
    if unknown:
        return Refusal("invalid_scope", f"Not among the client's scopes: {' '.join(unknown)}.")
    return list(dict.fromkeys(names))


def issue_token(
    session: Session,
    *,
    client_id: str,
    secret: str,
    scope: str | None,
    key: str,
    ttl: timedelta,
    origin: str | None,
) -> Grant | Refusal:
    """Check the client's credentials and issue an access token; refusals of a known client are audited.

    Returns rather than raises, so that the audit event of a refusal is committed with the request.
    """
    now = utcnow()
    client = _client_by_id(session, client_id)
    if client is None:
        return Refusal("invalid_client", "Client authentication failed.", 401)
    refusal: Refusal | None = None
    if client.revoked_at is not None or not _secret_fits(client, secret, key, now):
        refusal = Refusal("invalid_client", "Client authentication failed.", 401)
    scopes = parse_scope(scope, client.scopes) if refusal is None else []
    if isinstance(scopes, Refusal):
        refusal = scopes
    if refusal is not None:
        audit.record(
            session,
            action="oauth_token.create",
            organisation_id=client.organisation_id,
            actor_label=client.name,
            object_type="api_client",
            object_id=client.id,
            result="failure",
            origin=origin,
            details={"error": refusal.error},
        )
        return refusal
    assert isinstance(scopes, list)
    token = tokens.new_token(tokens.ACCESS_PREFIX)
    row = AccessToken(
        api_client_id=client.id,
        organisation_id=client.organisation_id,
        token_digest=tokens.digest(token, key),
        scopes=scopes,
        created_at=now,
        expires_at=now + ttl,
    )
    session.exec(
        delete(AccessToken).where(
            col(AccessToken.api_client_id) == client.id, col(AccessToken.expires_at) < now - EXPIRED_KEPT
        )
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="oauth_token.create",
        organisation_id=client.organisation_id,
        actor_label=client.name,
        object_type="api_client",
        object_id=client.id,
        origin=origin,
        details={"tokenId": str(row.id), "scopes": scopes, "expiresAt": _iso(row.expires_at)},
    )
    return Grant(token=token, expires_in=int(ttl.total_seconds()), scopes=scopes)


def authenticate(session: Session, *, token: str, key: str, origin: str | None) -> Actor:
    """The API client behind an access token, with the token's scopes that the client still holds."""
    row = session.exec(
        select(AccessToken).where(AccessToken.token_digest == tokens.digest(token, key))
    ).first()
    now = utcnow()
    if row is None:
        raise Unauthenticated("The token is not valid.")
    if row.expires_at <= now:
        raise Unauthenticated("The access token has expired; request a new one at /oauth/token.")
    client = session.get(ApiClient, row.api_client_id)
    if client is None or client.revoked_at is not None:
        raise Unauthenticated("The token is not valid.")
    if client.last_used_at is None or now - client.last_used_at > LAST_USED_GRANULARITY:
        with beside(session) as writer:  # coarse, so that not every request writes
            writer.exec(update(ApiClient).where(col(ApiClient.id) == client.id).values(last_used_at=now))
    held = set(client.scopes)
    return Actor(
        kind="apiClient",
        organisation_id=client.organisation_id,
        label=client.name,
        client_id=client.id,
        scopes=frozenset(Scope(s) for s in row.scopes if s in held),
        origin=origin,
    )
