"""Spread items: copies and reposts found later, and which takedown requests cover their URLs."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic.alias_generators import to_camel
from sqlalchemy import tuple_
from sqlmodel import Session, col, select

from app import concurrency, pagination
from app.audit import service as audit
from app.auth.actor import Actor
from app.db import utcnow
from app.errors import FieldError, Invalid, InvalidState, NotFound
from app.incident import service as incidents
from app.incident.models import Incident
from app.spread.models import Coverage, SpreadItem
from app.spread.schemas import SpreadItemCreate, SpreadItemPublic, SpreadItemUpdate
from app.takedown import service as takedowns
from app.takedown.models import TakedownRequest, TakedownStatus


def visible_statement(actor: Actor) -> Any:
    """Spread items of incidents the actor may see."""
    return (
        select(SpreadItem)
        .join(Incident, col(Incident.id) == col(SpreadItem.incident_id))
        .where(SpreadItem.organisation_id == actor.organisation_id, incidents.visible_clause(actor))
    )


def get(session: Session, *, spread_item_id: uuid.UUID, actor: Actor) -> SpreadItem:
    """One spread item the actor may see, or NotFound."""
    found = session.exec(visible_statement(actor).where(SpreadItem.id == spread_item_id)).first()
    if found is None:
        raise NotFound("Spread item")
    return found  # type: ignore[no-any-return]


def list_page(
    session: Session, *, incident_id: uuid.UUID, actor: Actor, cursor: str | None, limit: int
) -> tuple[list[SpreadItem], str | None]:
    """One page of an incident's spread items, oldest first."""
    stmt = visible_statement(actor).where(SpreadItem.incident_id == incident_id)
    if cursor:
        at, ident = pagination.decode_cursor(cursor)
        stmt = stmt.where(tuple_(col(SpreadItem.created_at), col(SpreadItem.id)) > tuple_(at, ident))
    stmt = stmt.order_by(col(SpreadItem.created_at), col(SpreadItem.id)).limit(limit + 1)
    return pagination.page_of(session.exec(stmt).all(), limit, lambda r: (r.created_at, r.id))


def _live_takedowns(session: Session, incident_id: uuid.UUID) -> list[TakedownRequest]:
    stmt = (
        select(TakedownRequest)
        .where(
            TakedownRequest.incident_id == incident_id,
            TakedownRequest.status != TakedownStatus.withdrawn.value,
        )
        .order_by(col(TakedownRequest.created_at), col(TakedownRequest.id))
    )
    return list(session.exec(stmt).all())


def coverage_of(url: str, requests: list[TakedownRequest]) -> tuple[Coverage, list[uuid.UUID]]:
    """Whether these takedown requests cover the URL, and which of them name it."""
    naming = [r for r in requests if url in r.urls]
    if not naming:
        return Coverage.not_covered, []
    if any(r.status == TakedownStatus.removed.value for r in naming):
        return Coverage.removed, [r.id for r in naming]
    return Coverage.requested, [r.id for r in naming]


def to_public_many(session: Session, items: list[SpreadItem]) -> list[SpreadItemPublic]:
    """The API view of spread items (one query for the takedown requests per incident)."""
    by_incident: dict[uuid.UUID, list[TakedownRequest]] = {}
    shown = []
    for item in items:
        if item.incident_id not in by_incident:
            by_incident[item.incident_id] = _live_takedowns(session, item.incident_id)
        coverage, ids = coverage_of(item.url, by_incident[item.incident_id])
        shown.append(
            SpreadItemPublic.model_validate(
                {
                    **{n: getattr(item, n) for n in SpreadItemPublic.model_fields if hasattr(item, n)},
                    "coverage": coverage,
                    "takedown_request_ids": ids,
                }
            )
        )
    return shown


def to_public(session: Session, item: SpreadItem) -> SpreadItemPublic:
    """The API view of one spread item."""
    return to_public_many(session, [item])[0]


def etag(item: SpreadItem) -> str:
    """The strong ETag of the item's version."""
    return concurrency.etag(item.version)


def _audit(session: Session, item: SpreadItem, action: str, actor: Actor, details: dict[str, Any]) -> None:
    audit.record(
        session,
        action=action,
        organisation_id=item.organisation_id,
        actor=actor,
        object_type="spread_item",
        object_id=item.id,
        details={"incidentId": str(item.incident_id), **details},
    )


def create(session: Session, *, incident: Incident, data: SpreadItemCreate, actor: Actor) -> SpreadItem:
    """Record a copy or repost of the incident's content; audited."""
    now = utcnow()
    item = SpreadItem(
        organisation_id=incident.organisation_id,
        incident_id=incident.id,
        url=data.url,
        kind=data.kind.value,
        platform=data.platform,
        reach=data.reach,
        note=data.note,
        found_at=data.found_at or now,
        created_by_user_id=actor.user_id,
        created_by_client_id=actor.client_id,
        created_at=now,
        updated_at=now,
    )
    session.add(item)
    session.flush()
    _audit(session, item, "spread.create", actor, {"kind": item.kind})
    return item


def update(
    session: Session, *, item: SpreadItem, data: SpreadItemUpdate, actor: Actor, if_match: str | None
) -> SpreadItem:
    """Correct a spread item (merge patch); audited with the names of the changed fields."""
    concurrency.check_if_match(current=etag(item), if_match=if_match, what="the spread item")
    fields = set(data.model_fields_set)
    nulls = sorted(f for f in fields & {"url", "kind", "found_at"} if getattr(data, f) is None)
    if nulls:
        raise Invalid(
            "The change is not valid.",
            [FieldError(to_camel(f), "must not be null", code="not_null") for f in nulls],
        )
    for name in fields:
        value = getattr(data, name)
        setattr(item, name, value.value if name == "kind" else value)
    item.version += 1
    item.updated_at = utcnow()
    session.add(item)
    session.flush()
    _audit(session, item, "spread.update", actor, {"fields": sorted(to_camel(f) for f in fields)})
    return item


def cover(session: Session, *, item: SpreadItem, takedown_request_id: uuid.UUID, actor: Actor) -> SpreadItem:
    """Add the item's URL to a draft takedown request of the same incident (through the takedown
    service, so the request's own version, audit and rules apply)."""
    from app.takedown.schemas import TakedownRequestUpdate

    try:
        request = takedowns.get(session, takedown_request_id=takedown_request_id, actor=actor)
    except NotFound:
        request = None
    if request is None or request.incident_id != item.incident_id:
        raise NotFound("Takedown request")
    if request.status != TakedownStatus.draft.value:
        raise InvalidState(
            f"Only a draft can take another URL; this request is {request.status}. "
            "Draft a new takedown request for the copy.",
            [FieldError("takedownRequestId", "the takedown request is no longer a draft", code="not_draft")],
        )
    if item.url not in request.urls:
        if len(request.urls) >= 100:
            raise InvalidState(
                "The takedown request already names 100 URLs; draft another one.",
                [FieldError("takedownRequestId", "the request names 100 URLs", code="too_long")],
            )
        takedowns.update(
            session,
            request=request,
            data=TakedownRequestUpdate(urls=[*request.urls, item.url]),
            actor=actor,
            if_match=takedowns.etag(request),
        )
    _audit(session, item, "spread.cover", actor, {"takedownRequestId": str(request.id)})
    return item
