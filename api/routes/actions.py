"""Actions: the handling steps of incidents."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response, status
from pydantic import AwareDatetime

from api.deps import CurrentIncident, Cursor, Limit, Permission, SessionDep, TransactionRoute, next_link
from api.handling import HandlingPermission
from api.sync import NOT_MODIFIED, IfNoneMatch, Sort, UpdatedSince, check_not_modified, sync_of
from app.action import service as actions
from app.action.models import ActionKind
from app.action.schemas import ActionCreate, ActionPublic, ActionUpdate
from app.auth.actor import Actor, Scope
from app.organisation.models import Role
from app.schemas import Page

router = APIRouter(tags=["actions"], route_class=TransactionRoute)

HANDLERS = (Role.case_handler, Role.privacy_officer, Role.legal)
ACTION_READ = Permission(*HANDLERS, Role.manager, scope=Scope.actions_read)
ActionReader = Annotated[Actor, Depends(ACTION_READ)]
ACTION_WRITE = HandlingPermission(scope=Scope.actions_write)
ActionWriter = Annotated[Actor, Depends(ACTION_WRITE)]


@router.post(
    "/incidents/{incidentId}/actions",
    status_code=status.HTTP_201_CREATED,
    operation_id="createIncidentAction",
    summary="Add an action to an incident",
)
def create_action(
    body: ActionCreate,
    incident: CurrentIncident,
    actor: ActionWriter,
    session: SessionDep,
    response: Response,
) -> ActionPublic:
    """Add a handling step; type-specific fields are checked per kind; a reminder is scheduled."""
    action = actions.create(session, incident=incident, data=body, actor=actor)
    response.headers["Location"] = f"/api/v1/actions/{action.id}"
    response.headers["ETag"] = actions.etag(action)
    return actions.to_public(action, platform=incident.platform)


@router.get(
    "/incidents/{incidentId}/actions",
    operation_id="listIncidentActions",
    summary="List an incident's actions",
)
def list_incident_actions(
    request: Request,
    incident: CurrentIncident,
    actor: ActionReader,
    session: SessionDep,
    updated_since: UpdatedSince = None,
    sort: Sort = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[ActionPublic]:
    """The incident's handling steps, newest first; a change feed with `sort=updatedAt` and
    `updatedSince` (see GET /actions)."""
    items, next_cursor = actions.list_page(
        session,
        actor=actor,
        filters=actions.ActionFilter(incident_id=incident.id),
        cursor=cursor,
        limit=limit,
        sync=sync_of(updated_since, sort),
    )
    next_url = next_link(request, next_cursor)
    return Page[ActionPublic](
        items=[actions.to_public(a, platform=incident.platform) for a in items], next=next_url
    )


@router.get("/actions", operation_id="listActions", summary="List actions")
def list_actions(
    request: Request,
    actor: ActionReader,
    session: SessionDep,
    assignee_id: Annotated[uuid.UUID | None, Query(alias="assigneeId")] = None,
    due_before: Annotated[AwareDatetime | None, Query(alias="dueBefore")] = None,
    open_: Annotated[
        bool | None, Query(alias="open", description="true: open only; false: done or waived.")
    ] = None,
    kind: Annotated[list[ActionKind] | None, Query(description="Repeat to match any of the kinds.")] = None,
    overdue: Annotated[
        bool | None,
        Query(description="true: open and past dueAt; false: done, waived, without or before dueAt."),
    ] = None,
    updated_since: UpdatedSince = None,
    sort: Sort = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[ActionPublic]:
    """Actions of the incidents the caller may see, newest first (a worklist with filters).

    A change feed with `sort=updatedAt` and `updatedSince`. Actions are never deleted (done and
    waived are statuses). To mirror: read with `sort=updatedAt`, follow `next` to the end and keep
    the last item's `updatedAt`; the next sync asks `updatedSince` = that time (inclusive: the items
    at the boundary come again, drop ids you already have). When an incident becomes visible to you
    (it appears in the incident feed), read its actions in full once: older ones keep their `updatedAt`.
    """
    filters = actions.ActionFilter(
        assignee_id=assignee_id, due_before=due_before, open=open_, kinds=kind, overdue=overdue
    )
    items, next_cursor = actions.list_page(
        session, actor=actor, filters=filters, cursor=cursor, limit=limit, sync=sync_of(updated_since, sort)
    )
    platforms = actions.platforms(session, items)
    next_url = next_link(request, next_cursor)
    return Page[ActionPublic](
        items=[actions.to_public(a, platform=platforms.get(a.incident_id)) for a in items], next=next_url
    )


@router.get("/actions/{actionId}", operation_id="getAction", summary="Get an action", responses=NOT_MODIFIED)
def get_action(
    action_id: Annotated[uuid.UUID, Path(alias="actionId")],
    actor: ActionReader,
    session: SessionDep,
    response: Response,
    if_none_match: IfNoneMatch = None,
) -> ActionPublic:
    """One action; its ETag is needed to change it (If-None-Match with it: 304 while current)."""
    action = actions.get(session, action_id=action_id, actor=actor)
    tag = actions.etag(action)
    check_not_modified(if_none_match, tag)
    response.headers["ETag"] = tag
    return actions.to_public(action, platform=actions.platforms(session, [action]).get(action.incident_id))


@router.patch("/actions/{actionId}", operation_id="updateAction", summary="Update an action")
def update_action(
    action_id: Annotated[uuid.UUID, Path(alias="actionId")],
    body: ActionUpdate,
    actor: ActionWriter,
    session: SessionDep,
    response: Response,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> ActionPublic:
    """Assign, reschedule, record the outcome, mark done, or waive (with a reason); needs If-Match."""
    action = actions.get(session, action_id=action_id, actor=actor)
    updated = actions.update(session, action=action, data=body, actor=actor, if_match=if_match)
    response.headers["ETag"] = actions.etag(updated)
    return actions.to_public(updated, platform=actions.platforms(session, [updated]).get(updated.incident_id))
