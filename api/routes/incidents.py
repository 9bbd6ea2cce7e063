"""Incidents: register, list, read and handle."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response, status
from pydantic import AwareDatetime

from api.allowed import public
from api.deps import CurrentActor, CurrentIncident, SessionDep, TransactionRoute, next_link
from api.sync import NOT_MODIFIED, IfNoneMatch, Sort, UpdatedSince, check_not_modified, sync_of
from app.errors import FieldError, Invalid
from app.incident import service as incidents
from app.incident import workflow
from app.incident.models import Behaviour, Platform, Status
from app.incident.schemas import IncidentCreate, IncidentPublic, IncidentUpdate
from app.schemas import Page

router = APIRouter(tags=["incidents"], route_class=TransactionRoute)


@router.post(
    "/incidents",
    status_code=status.HTTP_201_CREATED,
    operation_id="createIncident",
    summary="Register an incident",
)
def create_incident(
    body: IncidentCreate, actor: CurrentActor, session: SessionDep, response: Response
) -> IncidentPublic:
    """Register an incident; the reference and classification are assigned by the server.

    An external reference ({system, id}) belongs to one incident per organisation: pushing an
    incident whose reference is already registered creates nothing and answers 409
    (type `.../problems/duplicate-external-reference`) with `Location` of the existing incident.

    The same field rule as for an update: staff who are not case handlers, privacy officers or
    legal counsel set only the facts of the report and its confidentiality; any other field
    (severity, caseHandlerId, categories, externalReferences, perpetratorId, ...) answers 403.
    """
    incident = workflow.create(session, data=body, actor=actor)
    response.headers["Location"] = f"/api/v1/incidents/{incident.id}"
    response.headers["ETag"] = incidents.etag(incident)
    return public(incident, actor)


@router.get("/incidents", operation_id="listIncidents", summary="List incidents")
def list_incidents(
    request: Request,
    actor: CurrentActor,
    session: SessionDep,
    status_: Annotated[list[Status] | None, Query(alias="status")] = None,
    behaviour: Annotated[list[Behaviour] | None, Query()] = None,
    platform: Annotated[list[Platform] | None, Query()] = None,
    occurred_from: Annotated[AwareDatetime | None, Query(alias="occurredFrom")] = None,
    occurred_to: Annotated[AwareDatetime | None, Query(alias="occurredTo")] = None,
    q: Annotated[str | None, Query(min_length=2, max_length=200)] = None,
    external_system: Annotated[
        str | None,
        Query(alias="externalSystem", min_length=1, max_length=40, description="With externalId."),
    ] = None,
    external_id: Annotated[
        str | None,
        Query(
            alias="externalId",
            min_length=1,
            max_length=100,
            description="The incident's id in externalSystem, e.g. its GIR number.",
        ),
    ] = None,
    unassigned: Annotated[
        bool | None, Query(description="true: without a case handler; false: with one.")
    ] = None,
    case_handler_id: Annotated[uuid.UUID | None, Query(alias="caseHandlerId")] = None,
    id_: Annotated[
        list[uuid.UUID] | None,
        Query(alias="id", max_length=100, description="Only these incidents (repeat, at most 100)."),
    ] = None,
    updated_since: UpdatedSince = None,
    sort: Sort = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
) -> Page[IncidentPublic]:
    """Incidents the caller may see, newest report first; repeat a key to match any of its values.

    A change feed with `sort=updatedAt` (oldest change first, ties by id) and `updatedSince`. To
    mirror: read with `sort=updatedAt`, follow `next` to the end and keep the last item's
    `updatedAt`; the next sync asks `updatedSince` = that time (inclusive: the items at the boundary
    come again, drop ids you already have in that version). An incident changed while you page moves
    behind the cursor and comes on a later page. Incidents are never deleted (closing is a status).
    One that stops being visible to you (made strictly confidential) no longer appears; one that
    becomes visible appears with its new `updatedAt`: read its evidence, actions and takedown
    requests in full then.
    """
    filters = incidents.IncidentFilter(
        status=status_,
        behaviour=[b.value for b in behaviour] if behaviour else None,
        platform=[p.value for p in platform] if platform else None,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
        q=q,
        external_system=external_system,
        external_id=external_id,
        unassigned=unassigned,
        ids=id_,
        case_handler_id=case_handler_id,
    )
    if (external_system is None) != (external_id is None):
        missing = "externalId" if external_id is None else "externalSystem"
        raise Invalid(
            "externalSystem and externalId go together.",
            [FieldError(missing, "required together with the other", "missing", "query")],
        )
    items, next_cursor = incidents.list_page(
        session, actor=actor, filters=filters, cursor=cursor, limit=limit, sync=sync_of(updated_since, sort)
    )
    next_url = next_link(request, next_cursor)
    return Page[IncidentPublic](items=[public(i, actor) for i in items], next=next_url)


@router.get(
    "/incidents/{incidentId}", operation_id="getIncident", summary="Get an incident", responses=NOT_MODIFIED
)
def get_incident(
    incident: CurrentIncident, actor: CurrentActor, response: Response, if_none_match: IfNoneMatch = None
) -> IncidentPublic:
    """One incident; its ETag is needed to change it (If-None-Match with it: 304 while current)."""
    tag = incidents.etag(incident)
    check_not_modified(if_none_match, tag)
    response.headers["ETag"] = tag
    return public(incident, actor)


@router.patch("/incidents/{incidentId}", operation_id="updateIncident", summary="Update an incident")
def update_incident(
    body: IncidentUpdate,
    incident: CurrentIncident,
    actor: CurrentActor,
    session: SessionDep,
    response: Response,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> IncidentPublic:
    """Change facts, status, case handler or classification; needs If-Match with the ETag.

    Case handlers, privacy officers and legal counsel change any field; the reporter, while the
    incident is still reported, only the facts of the report and its confidentiality (403 otherwise).
    """
    updated = workflow.update(session, incident=incident, data=body, actor=actor, if_match=if_match)
    response.headers["ETag"] = incidents.etag(updated)
    return public(updated, actor)
