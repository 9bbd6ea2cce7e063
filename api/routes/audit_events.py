"""The audit log, for auditors and admins."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import AwareDatetime

from api.deps import AuditReader, SessionDep, TransactionRoute
from app import pagination
from app.audit import service as audit
from app.audit.models import AuditEvent
from app.schemas import ApiModel, Page

router = APIRouter(tags=["audit"], route_class=TransactionRoute)


class AuditEventPublic(ApiModel):
    """One audit event, with the hashes that chain it to its predecessor."""

    id: uuid.UUID
    seq: int
    at: datetime
    actor_kind: str
    actor_id: str | None
    actor_label: str | None
    action: str
    object_type: str | None
    object_id: str | None
    result: str
    origin: str | None
    details: dict[str, Any]
    prev_hash: str
    hash: str


@router.get("/audit-events", operation_id="listAuditEvents", summary="List audit events")
def list_audit_events(
    request: Request,
    actor: AuditReader,
    session: SessionDep,
    action: Annotated[str | None, Query(max_length=64)] = None,
    object_id: Annotated[str | None, Query(alias="objectId", max_length=64)] = None,
    at_from: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    at_to: Annotated[AwareDatetime | None, Query(alias="to")] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[AuditEventPublic]:
    """The organisation's audit events, newest first."""
    after_seq = pagination.decode_sequence_cursor(cursor) if cursor is not None else None
    stmt = audit.list_statement(
        organisation_id=actor.organisation_id,
        action=action,
        object_id=object_id,
        at_from=at_from,
        at_to=at_to,
        after_seq=after_seq,
    ).limit(limit + 1)
    rows: list[AuditEvent] = list(session.exec(stmt).all())
    items = rows[:limit]
    next_url = None
    if len(rows) > limit:
        next_url = str(request.url.include_query_params(cursor=str(items[-1].seq)))
    return Page[AuditEventPublic](items=[AuditEventPublic.model_validate(e) for e in items], next=next_url)
