"""Anchors: the heads of every audit chain, sealed with the audit key and written to the evidence store.

An anchor is a write-once object (`audit-anchors/<UTC time>-<random>`) holding, per chain, the last
sequence number, the number of events, the head hash and the last unkeyed sequence number. The
database cannot vouch for its own completeness: comparing it with the newest anchor shows a deleted
tail (fewer events than anchored), a deleted chain (an anchored chain missing) and a rewritten chain
(another hash at the anchored head). A recurring job writes one every
WEERBAAR_AUDIT_ANCHOR_INTERVAL_MINUTES, every dossier export queues one at once, and
`weerbaar anchor-audit` writes one on demand.

With a Time Stamping Authority configured (WEERBAAR_TSA_URL) every anchor's bytes are also
timestamped (RFC 3161) and the TSA's reply (DER) is stored beside it as `audit-anchor-timestamps/<name>`:
proof from a third party that the chains had these heads at that time, which holds even against
someone who has the audit key. `openssl ts -verify -data <anchor> -in <its reply> -CAfile <TSA root>`
checks it without Weerbaar.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, case, func
from sqlmodel import Session, col, select

from app.audit.keys import AuditKeys, active
from app.audit.models import AuditEvent
from app.config import get_settings
from app.db import reading, session_scope, utcnow
from app.jobs import service as jobs
from app.jobs.models import Job, JobStatus
from app.storage import (
    FilesystemStore,
    ObjectMissing,
    ObjectStore,
    S3Store,
    StorageError,
    StorageUnavailable,
    make_store,
)
from app.timestamp import client as tsa

log = logging.getLogger("weerbaar.audit")

PREFIX = "audit-anchors/"
STAMP_PREFIX = "audit-anchor-timestamps/"
FORMAT = "weerbaar-audit-anchor/1"
ANCHOR_JOB = "audit.anchor"
# An anchor is small; anything larger is not one of ours.
MAX_ANCHOR_BYTES = 16 * 1024 * 1024


class AnchorInvalid(Exception):
    """An object under the anchor prefix that is not a valid, sealed anchor."""


@dataclass(frozen=True)
class ChainHead:
    """One chain as anchored: its last event and how many there were."""

    last_seq: int
    events: int
    head: str
    legacy_until: int


@dataclass(frozen=True)
class Anchor:
    """One anchor object, verified."""

    key: str
    at: datetime
    key_id: str
    chains: dict[str, ChainHead]
    # Set by write_anchor: the TSA's token for the anchor's bytes, or why there is none.
    token: tsa.Token | None = None
    timestamp_error: str | None = None


def _payload(
    *, at: datetime, key_id: str, chains: dict[str, ChainHead], previous: str | None
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "at": at.isoformat(timespec="microseconds"),
        "keyId": key_id,
        "previous": previous,
        "chains": {
            name: {"lastSeq": h.last_seq, "events": h.events, "head": h.head, "legacyUntil": h.legacy_until}
            for name, h in sorted(chains.items())
        },
    }


def _canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def decode(key: str, raw: bytes, keys: AuditKeys) -> Anchor:
    """The anchor in the object's bytes, if its seal verifies."""
    try:
        document = json.loads(raw)
        mac = document.pop("mac")
        if document.get("format") != FORMAT:
            raise AnchorInvalid(f"{key}: unknown format")
        key_id = str(document["keyId"])
        if not keys.known(key_id):
            raise AnchorInvalid(f"{key}: sealed with key {key_id}, which is not configured")
        if not keys.matches(_canonical(document), key_id=key_id, mac=str(mac)):
            raise AnchorInvalid(f"{key}: its seal does not match its content")
        chains = {
            str(name): ChainHead(int(h["lastSeq"]), int(h["events"]), str(h["head"]), int(h["legacyUntil"]))
            for name, h in document["chains"].items()
        }
        return Anchor(key=key, at=datetime.fromisoformat(document["at"]), key_id=key_id, chains=chains)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise AnchorInvalid(f"{key}: not an anchor ({exc.__class__.__name__})") from exc


def anchor_keys(store: ObjectStore) -> list[str]:
    """The keys of every anchor in the store, oldest first (the names sort by time)."""
    # The store protocol has no listing (evidence is found through the database); anchors must be
    # found without trusting the database, so the two stores are listed here.
    try:
        if isinstance(store, FilesystemStore):
            folder = store.root / PREFIX.rstrip("/")
            if not folder.is_dir():
                return []
            return sorted(
                PREFIX + p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
            )
        if isinstance(store, S3Store):
            if not store.client.bucket_exists(store.bucket):
                return []
            objects = store.client.list_objects(store.bucket, prefix=PREFIX)
            return sorted(o.object_name for o in objects if o.object_name and not o.is_dir)
    except StorageError:
        raise
    except Exception as exc:
        raise StorageUnavailable(f"The audit anchors cannot be listed: {exc.__class__.__name__}") from exc
    raise TypeError(f"cannot list anchors in {type(store).__name__}")


def _read(store: ObjectStore, key: str) -> bytes:
    if store.size(key) > MAX_ANCHOR_BYTES:
        raise AnchorInvalid(f"{key}: too large for an anchor")
    return b"".join(store.read(key))


def newest(store: ObjectStore, keys: AuditKeys) -> tuple[Anchor | None, list[str]]:
    """The newest anchor that verifies, and what is wrong with any newer object under the prefix."""
    problems: list[str] = []
    for key in reversed(anchor_keys(store)):
        try:
            return decode(key, _read(store, key), keys), problems
        except AnchorInvalid as exc:
            problems.append(str(exc))
    return None, problems


def current_heads(session: Session) -> dict[str, ChainHead]:
    """Every chain's head in the database now."""
    legacy = func.max(case((col(AuditEvent.key_id).is_(None), AuditEvent.seq), else_=0))
    totals = session.exec(
        select(AuditEvent.chain, func.max(AuditEvent.seq), func.count(), legacy).group_by(AuditEvent.chain)
    ).all()
    heads: dict[str, ChainHead] = {}
    for chain, last_seq, events, legacy_until in totals:
        head = session.exec(
            select(AuditEvent.hash).where(AuditEvent.chain == chain, AuditEvent.seq == last_seq)
        ).one()
        heads[chain] = ChainHead(int(last_seq), int(events), head, int(legacy_until or 0))
    return heads


def _hash_at(session: Session, chain: str, seq: int) -> str | None:
    return session.exec(
        select(AuditEvent.hash).where(AuditEvent.chain == chain, AuditEvent.seq == seq)
    ).first()


def _carry_forward(
    session: Session, previous: Anchor | None, heads: dict[str, ChainHead]
) -> dict[str, ChainHead]:
    """The new heads; a chain that no longer extends its anchored head keeps the anchored one.

    So a deleted tail, chain or rewrite stays visible in every later anchor instead of being
    anchored over.
    """
    merged = dict(heads)
    for chain, before in (previous.chains if previous else {}).items():
        now = heads.get(chain)
        if (
            now is None
            or now.last_seq < before.last_seq
            or _hash_at(session, chain, before.last_seq) != before.head
        ):
            log.error(
                "audit chain %s no longer extends its anchored head #%s; keeping that head",
                chain,
                before.last_seq,
            )
            merged[chain] = before
        else:
            # The unkeyed prefix of a chain can only shrink.
            merged[chain] = ChainHead(
                now.last_seq, now.events, now.head, min(now.legacy_until, before.legacy_until)
            )
    return merged


def write_anchor(session: Session, store: ObjectStore, keys: AuditKeys | None = None) -> Anchor:
    """Seal the chain heads and write them to the store as a new anchor object."""
    keys = keys or active()
    previous, _ = newest(store, keys)
    bind = session.get_bind()
    # A snapshot: on SQLite reading the heads takes no write lock, and none is held while the store
    # is written.
    with Session(reading(bind) if isinstance(bind, Engine) else bind) as reader:
        chains = _carry_forward(reader, previous, current_heads(reader))
    at = utcnow()
    payload = _payload(
        at=at, key_id=keys.current_id, chains=chains, previous=previous.key if previous else None
    )
    payload["mac"] = keys.seal(_canonical(payload))
    key = f"{PREFIX}{at:%Y%m%d-%H%M%S-%f}-{uuid.uuid4().hex[:8]}"
    data = json.dumps(payload, sort_keys=True, indent=1).encode()
    _put(store, key, data, "application/json")
    log.info("audit anchor %s: %d chain(s)", key, len(chains))
    token, error = _stamp(store, key, data)
    return Anchor(key=key, at=at, key_id=keys.current_id, chains=chains, token=token, timestamp_error=error)


def _put(store: ObjectStore, key: str, data: bytes, content_type: str) -> None:
    writer = store.writer(key, content_type=content_type)
    try:
        writer.write(data)
        writer.commit()
    except BaseException:
        writer.abort()
        raise


def token_key(anchor_key: str) -> str:
    """Where the TSA's reply for an anchor is kept."""
    return f"{STAMP_PREFIX}{anchor_key.removeprefix(PREFIX)}"


def _stamp(store: ObjectStore, key: str, data: bytes) -> tuple[tsa.Token | None, str | None]:
    """Timestamp the anchor's bytes and keep the reply beside it (no database transaction is open)."""
    if not tsa.configured():
        return None, None
    try:
        token = tsa.stamp(hashlib.sha256(data).digest())
    except tsa.TsaError as exc:
        log.warning("audit anchor %s: no timestamp: %s", key, exc)
        return None, str(exc)
    assert token is not None
    _put(store, token_key(key), token.der, tsa.REPLY_TYPE)
    log.info("audit anchor %s timestamped by %s at %s", key, token.tsa_name, token.gen_time.isoformat())
    return token, None


@dataclass(frozen=True)
class TimestampCheck:
    """The anchors in the store and what their timestamps prove."""

    anchors: int
    valid: list[tuple[str, tsa.Token]]
    invalid: list[tuple[str, str]]
    unchecked: str | None = None  # why tokens could not be checked at all


def check_timestamps(store: ObjectStore) -> TimestampCheck:
    """Verify the TSA token of every anchor that has one against the anchor's bytes."""
    keys = anchor_keys(store)
    checkable = get_settings().tsa_ca_file is not None
    valid: list[tuple[str, tsa.Token]] = []
    invalid: list[tuple[str, str]] = []
    unchecked = 0
    for key in keys:
        try:
            der = b"".join(store.read(token_key(key)))
        except ObjectMissing:
            continue
        if not checkable:
            unchecked += 1
            continue
        try:
            valid.append((key, tsa.verify(der, hashlib.sha256(_read(store, key)).digest())))
        except (tsa.TsaError, AnchorInvalid) as exc:
            invalid.append((key, str(exc)))
    reason = f"{unchecked} token(s), but WEERBAAR_TSA_CA_FILE is not set" if unchecked else None
    return TimestampCheck(len(keys), valid, invalid, reason)


def anchor_now(session: Session, *, reason: str) -> Job:
    """Queue an anchoring (and its timestamp) at once, e.g. for a dossier export; committed with
    the caller's transaction, so it anchors what that transaction recorded."""
    return jobs.enqueue(session, kind=ANCHOR_JOB, payload={"reason": reason})


def ensure_scheduled(session: Session, *, run_at: datetime | None = None) -> Job | None:
    """Queue the next anchoring unless one is queued already; the new job or None."""
    queued = session.exec(
        select(Job.id).where(Job.kind == ANCHOR_JOB, Job.status == JobStatus.queued.value).limit(1)
    ).first()
    if queued is not None:
        return None
    interval = timedelta(minutes=get_settings().audit_anchor_interval_minutes)
    return jobs.enqueue(session, kind=ANCHOR_JOB, payload={}, run_at=run_at or utcnow() + interval)


def schedule(engine: Engine) -> None:
    """At start-up: make sure the recurring anchoring is queued (the first one runs soon)."""
    with session_scope(engine) as session:
        ensure_scheduled(session, run_at=utcnow() + timedelta(minutes=1))


@jobs.handler(ANCHOR_JOB)
def run_anchor(session: Session, payload: dict[str, Any]) -> None:
    """The job: queue the next run first (it survives a failure here), then write an anchor and
    timestamp it; without a timestamp (TSA down) it fails, so the runner tries again later."""
    from app.timestamp import service as timestamps

    ensure_scheduled(session)
    timestamps.requeue_failed(session)
    session.commit()
    anchor = write_anchor(session, make_store(get_settings()))
    if anchor.timestamp_error is not None:
        raise tsa.TsaError(f"anchor {anchor.key} written without a timestamp: {anchor.timestamp_error}")
