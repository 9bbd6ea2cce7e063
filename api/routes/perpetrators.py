"""Perpetrator records and their incidents."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response, status

from api.deps import Permission, SessionDep, TransactionRoute, next_link
from api.sync import NOT_MODIFIED, IfNoneMatch, Sort, UpdatedSince, check_not_modified, sync_of
from app.auth.actor import Actor, Scope
from app.incident.schemas import IncidentPublic, to_public
from app.organisation.models import Role
from app.perpetrator import service as perpetrators
from app.perpetrator.schemas import PerpetratorCreate, PerpetratorPublic, PerpetratorUpdate
from app.schemas import Page

router = APIRouter(tags=["perpetrators"], route_class=TransactionRoute)

HANDLERS = (Role.case_handler, Role.privacy_officer, Role.legal)
PERPETRATOR_READ = Permission(*HANDLERS, Role.manager, scope=Scope.incidents_read)
PerpetratorReader = Annotated[Actor, Depends(PERPETRATOR_READ)]
PerpetratorWriter = Annotated[Actor, Depends(Permission(*HANDLERS, scope=Scope.incidents_write))]
PerpetratorId = Annotated[uuid.UUID, Path(alias="perpetratorId")]


@router.post(
    "/perpetrators",
    status_code=status.HTTP_201_CREATED,
    operation_id="createPerpetrator",
    summary="Add a perpetrator record",
)
def create_perpetrator(
    body: PerpetratorCreate, actor: PerpetratorWriter, session: SessionDep, response: Response
) -> PerpetratorPublic:
    """Add a perpetrator record (a name if known, account handles, relation); link incidents to it."""
    perpetrator = perpetrators.create(session, data=body, actor=actor)
    response.headers["Location"] = f"/api/v1/perpetrators/{perpetrator.id}"
    response.headers["ETag"] = perpetrators.etag(perpetrator)
    return perpetrators.to_public(session, perpetrator, actor=actor)


@router.get("/perpetrators", operation_id="listPerpetrators", summary="List perpetrator records")
def list_perpetrators(
    request: Request,
    actor: PerpetratorReader,
    session: SessionDep,
    q: Annotated[str | None, Query(min_length=2, max_length=200, description="Part of the name.")] = None,
    updated_since: UpdatedSince = None,
    sort: Sort = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
) -> Page[PerpetratorPublic]:
    """The organisation's perpetrator records, newest first.

    A change feed with `sort=updatedAt` and `updatedSince`; `updatedAt` also moves when an incident
    is linked or unlinked or the repeat signal changes. Records are never deleted. To mirror: read
    with `sort=updatedAt`, follow `next` to the end and keep the last item's `updatedAt`; the next
    sync asks `updatedSince` = that time (inclusive: the items at the boundary come again, drop ids
    you already have).
    """
    items, next_cursor = perpetrators.list_page(
        session, actor=actor, q=q, cursor=cursor, limit=limit, sync=sync_of(updated_since, sort)
    )
    next_url = next_link(request, next_cursor)
    return Page[PerpetratorPublic](
        items=perpetrators.to_public_many(session, items, actor=actor), next=next_url
    )


@router.get(
    "/perpetrators/{perpetratorId}",
    operation_id="getPerpetrator",
    summary="Get a perpetrator record",
    responses=NOT_MODIFIED,
)
def get_perpetrator(
    perpetrator_id: PerpetratorId,
    actor: PerpetratorReader,
    session: SessionDep,
    response: Response,
    if_none_match: IfNoneMatch = None,
) -> PerpetratorPublic:
    """One perpetrator record with its incident count and repeat signal; its ETag is needed to change it
    (If-None-Match with it: 304 while current)."""
    perpetrator = perpetrators.get(session, perpetrator_id=perpetrator_id, actor=actor)
    tag = perpetrators.etag(perpetrator)
    check_not_modified(if_none_match, tag)
    response.headers["ETag"] = tag
    return perpetrators.to_public(session, perpetrator, actor=actor)


@router.patch(
    "/perpetrators/{perpetratorId}", operation_id="updatePerpetrator", summary="Update a perpetrator record"
)
def update_perpetrator(
    perpetrator_id: PerpetratorId,
    body: PerpetratorUpdate,
    actor: PerpetratorWriter,
    session: SessionDep,
    response: Response,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> PerpetratorPublic:
    """Correct name, account handles, relation or notes (merge patch); needs If-Match with the ETag."""
    perpetrator = perpetrators.get(session, perpetrator_id=perpetrator_id, actor=actor)
    updated = perpetrators.update(session, perpetrator=perpetrator, data=body, actor=actor, if_match=if_match)
    response.headers["ETag"] = perpetrators.etag(updated)
    return perpetrators.to_public(session, updated, actor=actor)


@router.get(
    "/perpetrators/{perpetratorId}/incidents",
    operation_id="listPerpetratorIncidents",
    summary="List a perpetrator's incidents",
)
def list_perpetrator_incidents(
    perpetrator_id: PerpetratorId, actor: PerpetratorReader, session: SessionDep
) -> Page[IncidentPublic]:
    """The incidents linked to the perpetrator that the caller may see, latest occurrence first."""
    perpetrator = perpetrators.get(session, perpetrator_id=perpetrator_id, actor=actor)
    found = perpetrators.incidents_of(session, perpetrator=perpetrator, actor=actor)
    return Page[IncidentPublic](items=[to_public(i) for i in found], next=None)
