"""Recording and listing the keyed, hash-chained audit log (verification: app.audit.verification)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from app.audit import keys as audit_keys
from app.audit.chain import GENESIS, seal
from app.audit.models import AuditEvent
from app.audit.verification import ChainBreak, Finding, Tamper, VerifyResult, verify
from app.auth.actor import Actor
from app.db import utcnow

__all__ = [
    "SYSTEM_CHAIN",
    "ChainBreak",
    "Finding",
    "Tamper",
    "VerifyResult",
    "list_statement",
    "record",
    "verify",
]

SYSTEM_CHAIN = "system"


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
    seal(event, audit_keys.active())
    session.add(event)
    session.flush()
    return event


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
