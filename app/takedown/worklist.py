"""Takedown requests across incidents: the worklist of answers to chase."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import tuple_
from sqlmodel import Session, col

from app import pagination
from app.auth.actor import Actor
from app.db import utcnow
from app.takedown.models import TakedownRequest, TakedownStatus
from app.takedown.service import visible_statement

# Sent or acknowledged: the recipient still owes an answer.
AWAITING_ANSWER = (TakedownStatus.sent.value, TakedownStatus.acknowledged.value)


@dataclass(frozen=True)
class TakedownFilter:
    """The list filters."""

    status: list[TakedownStatus] | None = None
    answer_overdue: bool | None = None


def list_page(
    session: Session,
    *,
    actor: Actor,
    filters: TakedownFilter,
    cursor: str | None,
    limit: int,
    sync: pagination.Sync | None = None,
) -> tuple[list[TakedownRequest], str | None]:
    """Takedown requests of the incidents the actor may see, newest first (a change feed with sync)."""
    stmt = pagination.changed_since(visible_statement(actor), sync, col(TakedownRequest.updated_at))
    if filters.status:
        stmt = stmt.where(col(TakedownRequest.status).in_([s.value for s in filters.status]))
    if filters.answer_overdue is True:
        stmt = stmt.where(
            col(TakedownRequest.status).in_(AWAITING_ANSWER), col(TakedownRequest.due_at) < utcnow()
        )
    elif filters.answer_overdue is False:
        stmt = stmt.where(
            col(TakedownRequest.status).not_in(AWAITING_ANSWER)
            | col(TakedownRequest.due_at).is_(None)
            | (col(TakedownRequest.due_at) >= utcnow())
        )
    if sync is not None and sync.by_update:
        return pagination.by_update_page(session, stmt, TakedownRequest, cursor=cursor, limit=limit)
    if cursor:
        at, ident = pagination.decode_cursor(cursor)
        stmt = stmt.where(
            tuple_(col(TakedownRequest.created_at), col(TakedownRequest.id)) < tuple_(at, ident)
        )
    stmt = stmt.order_by(col(TakedownRequest.created_at).desc(), col(TakedownRequest.id).desc()).limit(
        limit + 1
    )
    return pagination.page_of(session.exec(stmt).all(), limit, lambda r: (r.created_at, r.id))
