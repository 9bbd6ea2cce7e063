"""The outbox as admins see it: the organisation's mails and sending a failed one again."""

from __future__ import annotations

import uuid

from sqlalchemy import tuple_
from sqlmodel import Session, col, select

from app import pagination
from app.audit import service as audit
from app.auth.actor import Actor
from app.db import utcnow
from app.errors import InvalidState, NotFound
from app.jobs import service as jobs
from app.notification.mail import SEND_JOB
from app.notification.models import MailOutbox, MailStatus
from app.notification.schemas import MailPublic, MailState

# Claimed and sending are on their way: to admins they are still queued.
STATES = {
    MailState.queued: [MailStatus.queued.value, MailStatus.claimed.value, MailStatus.sending.value],
    MailState.sent: [MailStatus.sent.value],
    MailState.failed: [MailStatus.failed.value],
}


def list_page(
    session: Session, *, actor: Actor, state: MailState | None, cursor: str | None, limit: int
) -> tuple[list[MailOutbox], str | None]:
    """One page of the organisation's outbox, newest first."""
    stmt = select(MailOutbox).where(MailOutbox.organisation_id == actor.organisation_id)
    if state is not None:
        stmt = stmt.where(col(MailOutbox.status).in_(STATES[state]))
    if cursor:
        at, ident = pagination.decode_cursor(cursor)
        stmt = stmt.where(tuple_(col(MailOutbox.created_at), col(MailOutbox.id)) < tuple_(at, ident))
    stmt = stmt.order_by(col(MailOutbox.created_at).desc(), col(MailOutbox.id).desc()).limit(limit + 1)
    return pagination.page_of(session.exec(stmt).all(), limit, lambda m: (m.created_at, m.id))


def retry(session: Session, *, mail_id: uuid.UUID, actor: Actor) -> MailOutbox:
    """Queue a failed mail again, with fresh attempts and the same Message-ID."""
    row = session.get(MailOutbox, mail_id)
    if row is None or row.organisation_id != actor.organisation_id:
        raise NotFound("Mail")
    if row.status != MailStatus.failed.value:
        raise InvalidState("Only a failed mail can be sent again.")
    row.status, row.attempts, row.next_attempt_at = MailStatus.queued.value, 0, utcnow()
    row.claimed_by = row.lease_until = None
    session.add(row)
    jobs.enqueue(session, kind=SEND_JOB, payload={"mailId": str(row.id)})
    audit.record(
        session,
        action="mail.retry",
        organisation_id=actor.organisation_id,
        actor=actor,
        object_type="mail",
        object_id=row.id,
        details={"kind": row.kind, "lastError": row.last_error},
    )
    session.flush()
    return row


def to_public(row: MailOutbox) -> MailPublic:
    """The admin's view of an outbox mail (never its text)."""
    state = next(s for s, internal in STATES.items() if row.status in internal)
    return MailPublic(
        id=row.id,
        recipient_user_id=row.recipient_user_id,
        recipient_email=row.recipient_email,
        kind=row.kind,
        status=state,
        attempts=row.attempts,
        last_error=row.last_error,
        created_at=row.created_at,
        sent_at=row.sent_at,
    )
