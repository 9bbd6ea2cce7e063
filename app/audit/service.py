"""Recording and verifying the hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.auth.actor import Actor
from app.db import utcnow

GENESIS = "0" * 64
SYSTEM_CHAIN = "system"


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "chain": event.chain,
        "seq": event.seq,
        "organisationId": str(event.organisation_id) if event.organisation_id else None,
        "at": event.at.isoformat(timespec="microseconds"),
        "actorKind": event.actor_kind,
        "actorId": event.actor_id,
        "actorLabel": event.actor_label,
        "action": event.action,
        "objectType": event.object_type,
        "objectId": event.object_id,
        "result": event.result,
        "origin": event.origin,
        "details": event.details,
        "prevHash": event.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(event: AuditEvent) -> str:
    """The SHA-256 that seals the event together with the hash of its predecessor."""
    return hashlib.sha256(_canonical(event)).hexdigest()


def _lock_chain(session: Session, chain: str) -> None:
    # SQLite transactions already hold the write lock (BEGIN IMMEDIATE, see app.db).
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:chain, 0))"), {"chain": chain})


def record(
    session: Session,
    *,
    action: str,
    organisation_id: uuid.UUID | None,
    actor: Actor | None = None,
    actor_label: str | None = None,
    object_type: str | None = None,
    object_id: uuid.UUID | str | None = None,
    result: str = "success",
    origin: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to its organisation's chain (flushed, committed with the request)."""
    chain = str(organisation_id) if organisation_id else SYSTEM_CHAIN
    _lock_chain(session, chain)
    last = session.exec(
        select(AuditEvent.seq, AuditEvent.hash)
        .where(AuditEvent.chain == chain)
        .order_by(col(AuditEvent.seq).desc())
        .limit(1)
    ).first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    event = AuditEvent(
        chain=chain,
        seq=seq,
        organisation_id=organisation_id,
        at=utcnow(),
        actor_kind=actor.kind if actor else ("anonymous" if actor_label else "system"),
        actor_id=str(actor.actor_id) if actor and actor.actor_id else None,
        actor_label=actor.label if actor else actor_label,
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id else None,
        result=result,
        origin=(actor.origin if actor else None) or origin,
        details=details or {},
        prev_hash=prev_hash,
        hash="",
    )
    event.hash = compute_hash(event)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainBreak:
    """The first event at which a chain no longer verifies."""

    chain: str
    seq: int
    event_id: uuid.UUID
    reason: str


@dataclass(frozen=True)
class VerifyResult:
    """What verifying the audit log found."""

    chains: int
    events: int
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        """True when every chain verifies."""
        return self.first_break is None


def _events_in_order(session: Session, chain: str, batch: int = 1000) -> Iterator[AuditEvent]:
    last_seq = 0
    while True:
        rows = session.exec(
            select(AuditEvent)
            .where(AuditEvent.chain == chain, AuditEvent.seq > last_seq)
            .order_by(col(AuditEvent.seq))
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last_seq = rows[-1].seq
        session.expunge_all()


def verify(session: Session) -> VerifyResult:
    """Recompute every chain from its genesis and report the first broken link."""
    chains = sorted(session.exec(select(AuditEvent.chain).distinct()).all())
    total = 0
    for chain in chains:
        prev_hash, expected_seq = GENESIS, 1
        for event in _events_in_order(session, chain):
            total += 1
            reason = None
            if event.seq != expected_seq:
                reason = f"sequence gap: expected {expected_seq}, found {event.seq}"
            elif event.prev_hash != prev_hash:
                reason = "prevHash does not match the hash of the previous event"
            elif compute_hash(event) != event.hash:
                reason = "hash does not match the event's content"
            if reason:
                return VerifyResult(len(chains), total, ChainBreak(chain, event.seq, event.id, reason))
            prev_hash, expected_seq = event.hash, expected_seq + 1
    return VerifyResult(len(chains), total, None)


def list_statement(
    *,
    organisation_id: uuid.UUID,
    action: str | None = None,
    object_id: str | None = None,
    at_from: datetime | None = None,
    at_to: datetime | None = None,
    after_seq: int | None = None,
) -> Any:
    """Audit events of one organisation, newest first, with optional filters."""
    stmt = select(AuditEvent).where(AuditEvent.chain == str(organisation_id))
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if object_id:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    if at_from:
        stmt = stmt.where(AuditEvent.at >= at_from)
    if at_to:
        stmt = stmt.where(AuditEvent.at < at_to)
    if after_seq is not None:
        stmt = stmt.where(AuditEvent.seq < after_seq)
    return stmt.order_by(col(AuditEvent.seq).desc())
