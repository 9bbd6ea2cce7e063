"""Claiming, completing and replaying idempotency keys.

A first request inserts its key as `in_progress` in a transaction of its own; the unique
constraint (organisation, caller, key) decides between concurrent requests. When the response is
complete it is stored with the key, and a retry with the same key and request gets it back.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.auth.actor import Actor
from app.db import session_scope, utcnow
from app.idempotency.models import IdempotencyKey
from app.integration import sealing
from app.jobs import service as jobs
from app.jobs.models import Job, JobStatus

log = logging.getLogger("weerbaar.idempotency")

IN_PROGRESS = "in_progress"
COMPLETED = "completed"
PURGE_JOB = "idempotency.purge"
MAX_KEY_LENGTH = 255
# Responses larger than this are not kept; a retry then runs the request again.
MAX_STORED_BODY = 1_048_576
# Response headers worth replaying; version and security headers are added on the way out anyway.
REPLAYED_HEADERS = frozenset({"content-type", "location", "etag", "content-location"})


# Stored responses hold personal data and sometimes a secret shown once (a new API client's
# token): they are kept encrypted, so the idempotency table never discloses them.
SEALING_PURPOSE = "idempotency responses"


def seal(secret_key: str, key_id: uuid.UUID, body: bytes) -> bytes:
    """The body encrypted for storage in row key_id."""
    return sealing.seal(secret_key, SEALING_PURPOSE, key_id, body)


def unseal(secret_key: str, key_id: uuid.UUID, sealed: bytes) -> bytes | None:
    """The stored body, or None when it cannot be decrypted (e.g. the secret key changed)."""
    return sealing.unseal(secret_key, SEALING_PURPOSE, key_id, sealed)


@dataclass(frozen=True)
class Policy:
    """How long keys live and when an unfinished first request counts as abandoned."""

    ttl: timedelta = timedelta(hours=24)
    stale_after: timedelta = timedelta(minutes=5)


@dataclass(frozen=True)
class Proceed:
    """The key is new: run the request, then complete or release the key."""

    key_id: uuid.UUID


@dataclass(frozen=True)
class Replay:
    """The request was done before: send its response again."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


@dataclass(frozen=True)
class Mismatch:
    """The key was used before for another request (other body, method or path)."""


@dataclass(frozen=True)
class InProgress:
    """The first request with this key is still running."""


Outcome = Proceed | Replay | Mismatch | InProgress


def caller_of(actor: Actor) -> str:
    """Keys are scoped per caller: an API client or a staff user."""
    return f"{actor.kind}:{actor.actor_id}"


def parse_key(raw: str) -> str | None:
    """The key of an Idempotency-Key header (an sf-string, quotes optional), or None if malformed."""
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    if not 1 <= len(value) <= MAX_KEY_LENGTH:
        return None
    if any(not (0x20 <= ord(ch) <= 0x7E) for ch in value) or '"' in value or "\\" in value:
        return None
    return value


def fingerprint(body_sha256: str, content_type: str | None) -> str:
    """What identifies the request body: its hash and its media type."""
    media = (content_type or "").split(";")[0].strip().lower()
    return hashlib.sha256(f"{media}\n{body_sha256}".encode()).hexdigest()


def _claim(
    session: Session,
    *,
    organisation_id: uuid.UUID,
    caller: str,
    key: str,
    method: str,
    path: str,
    print_: str,
    policy: Policy,
    secret_key: str,
) -> Outcome:
    now = utcnow()
    row = session.exec(
        select(IdempotencyKey).where(
            IdempotencyKey.organisation_id == organisation_id,
            IdempotencyKey.caller == caller,
            IdempotencyKey.key == key,
        )
    ).first()
    abandoned = row is not None and row.status == IN_PROGRESS and row.created_at < now - policy.stale_after
    stored: bytes | None = b""
    if row is not None and row.status == COMPLETED and row.response_body:
        stored = unseal(secret_key, row.id, row.response_body)
    # An unreadable response (the secret key changed) counts as forgotten: the request runs again.
    if row is not None and (row.expires_at <= now or abandoned or stored is None):
        session.delete(row)
        session.flush()
        row = None
    if row is None:
        claimed = IdempotencyKey(
            organisation_id=organisation_id,
            caller=caller,
            key=key,
            method=method,
            path=path,
            fingerprint=print_,
            created_at=now,
            expires_at=now + policy.ttl,
        )
        session.add(claimed)
        session.flush()
        return Proceed(claimed.id)
    if row.method != method or row.path != path or row.fingerprint != print_:
        return Mismatch()
    if row.status == IN_PROGRESS:
        return InProgress()
    return Replay(
        status=row.response_status or 200,
        headers=[(h[0], h[1]) for h in row.response_headers or []],
        body=stored or b"",
    )


def begin(
    engine: Engine,
    *,
    identify: Callable[[Session], tuple[uuid.UUID, str] | None],
    key: str,
    method: str,
    path: str,
    print_: str,
    policy: Policy,
    secret_key: str,
) -> Outcome | None:
    """Identify the caller and claim the key, in one committed transaction of its own.

    `identify` gives (organisation id, caller) for the request's credentials, or None when they
    are not valid: then nothing is claimed and None is returned (the route answers 401).
    """
    _ensure_purge_job(engine, policy)
    for attempt in range(3):
        try:
            with session_scope(engine) as session:
                who = identify(session)
                if who is None:
                    return None
                return _claim(
                    session,
                    organisation_id=who[0],
                    caller=who[1],
                    key=key,
                    method=method,
                    path=path,
                    print_=print_,
                    policy=policy,
                    secret_key=secret_key,
                )
        except IntegrityError:
            # A concurrent request inserted the same key first; look again and see what it did.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def complete(
    engine: Engine,
    *,
    key_id: uuid.UUID,
    status: int,
    headers: list[tuple[str, str]],
    body: bytes,
    secret_key: str,
) -> None:
    """Store the response of the first request (its body encrypted), for replays."""
    with session_scope(engine) as session:
        row = session.get(IdempotencyKey, key_id)
        if row is None:
            return
        row.status = COMPLETED
        row.response_status = status
        row.response_headers = [[n, v] for n, v in headers if n.lower() in REPLAYED_HEADERS]
        row.response_body = seal(secret_key, row.id, body)
        row.completed_at = utcnow()
        session.add(row)


def release(engine: Engine, *, key_id: uuid.UUID) -> None:
    """Forget the key (the request failed on the server's side): a retry runs it again."""
    with session_scope(engine) as session:
        session.execute(delete(IdempotencyKey).where(col(IdempotencyKey.id) == key_id))


def purge_expired(session: Session) -> int:
    """Delete the keys whose time is up; the number deleted."""
    result: Any = session.execute(delete(IdempotencyKey).where(col(IdempotencyKey.expires_at) <= utcnow()))
    return int(result.rowcount or 0)


_purge_lock = threading.Lock()
_purge_checked_at = 0.0


def _ensure_purge_job(engine: Engine, policy: Policy) -> None:
    """Keep one queued purge job (checked at most every ten minutes per process)."""
    global _purge_checked_at
    with _purge_lock:
        if time.monotonic() - _purge_checked_at < 600:
            return
        _purge_checked_at = time.monotonic()
    with session_scope(engine) as session:
        queued = session.exec(
            select(Job.id)
            .where(
                Job.kind == PURGE_JOB,
                col(Job.status).in_([JobStatus.queued.value, JobStatus.running.value]),
            )
            .limit(1)
        ).first()
        if queued is None:
            jobs.enqueue(session, kind=PURGE_JOB, payload={}, run_at=utcnow() + timedelta(hours=1))


@jobs.handler(PURGE_JOB)
def purge_job(session: Session, payload: dict[str, Any]) -> None:
    """Delete expired keys and run again in an hour."""
    removed = purge_expired(session)
    if removed:
        log.info("purged %d expired idempotency keys", removed)
    jobs.enqueue(session, kind=PURGE_JOB, payload={}, run_at=utcnow() + timedelta(hours=1))
