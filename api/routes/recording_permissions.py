"""Recording permissions: requests to record a conversation, decisions, receipts, violations; and
the house rules on recordings that each organisation publishes."""

from __future__ import annotations

import uuid
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response, status
from pydantic import AwareDatetime

from api.deps import Admin, CurrentActor, Permission, SessionDep, TransactionRoute, next_link
from api.openapi import VERSION_HEADER
from api.problems import PROBLEM_MEDIA_TYPE
from api.sync import NOT_MODIFIED, IfNoneMatch, Sort, UpdatedSince, check_not_modified, sync_of
from app.auth.actor import Actor, Scope
from app.organisation.models import Locale
from app.recording_permission import house_rules, receipt, violations
from app.recording_permission import service as permissions
from app.recording_permission.models import Decision, RecordingKind, RecordingPermission
from app.recording_permission.schemas import (
    RecordingPermissionCreate,
    RecordingPermissionPublic,
    RecordingPermissionUpdate,
    RecordingRulesPublic,
    RecordingRulesUpdate,
    RecordingViolationCreate,
    RecordingViolationPublic,
    to_public,
)
from app.schemas import Page

router = APIRouter(route_class=TransactionRoute)
TAGS: list[str | Enum] = ["recording-permissions"]
RULES_TAGS: list[str | Enum] = ["recording-rules"]


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": dict(VERSION_HEADER),  # a copy: the contract's completion adds headers to it
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


Reader = Annotated[Actor, Depends(Permission(scope=Scope.recording_permissions_read))]
Registrar = Annotated[
    Actor, Depends(Permission(*permissions.REGISTRAR_ROLES, scope=Scope.recording_permissions_write))
]


def get_recording_permission(
    session: SessionDep,
    actor: CurrentActor,
    recording_permission_id: Annotated[uuid.UUID, Path(alias="recordingPermissionId")],
) -> RecordingPermission:
    """The permission in the path, if the caller may see it; 404 otherwise."""
    return permissions.get(session, recording_permission_id=recording_permission_id, actor=actor)


CurrentRecordingPermission = Annotated[RecordingPermission, Depends(get_recording_permission)]
LanguageQuery = Annotated[
    Locale | None, Query(alias="language", description="nl, da or en; default: the organisation's.")
]


@router.post(
    "/recording-permissions",
    status_code=status.HTTP_201_CREATED,
    tags=TAGS,
    operation_id="createRecordingPermission",
    summary="Register a request to record, with its decision",
)
def create_recording_permission(
    body: RecordingPermissionCreate, actor: Registrar, session: SessionDep, response: Response
) -> RecordingPermissionPublic:
    """Register a citizen's request to record a conversation; decidedBy and decidedAt are set here."""
    permission = permissions.create(session, data=body, actor=actor)
    response.headers["Location"] = f"/api/v1/recording-permissions/{permission.id}"
    response.headers["ETag"] = permissions.etag(permission)
    return to_public(permission)


@router.get(
    "/recording-permissions",
    tags=TAGS,
    operation_id="listRecordingPermissions",
    summary="List recording permissions",
)
def list_recording_permissions(
    request: Request,
    actor: Reader,
    session: SessionDep,
    decision: Annotated[list[Decision] | None, Query()] = None,
    kind: Annotated[list[RecordingKind] | None, Query()] = None,
    public_space: Annotated[bool | None, Query(alias="publicSpace")] = None,
    conversation_from: Annotated[AwareDatetime | None, Query(alias="conversationFrom")] = None,
    conversation_to: Annotated[AwareDatetime | None, Query(alias="conversationTo")] = None,
    q: Annotated[str | None, Query(min_length=2, max_length=200, description="Requester, place")] = None,
    updated_since: UpdatedSince = None,
    sort: Sort = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
) -> Page[RecordingPermissionPublic]:
    """Permissions the caller may see, newest registration first; repeat a key to match any value.

    A change feed with `sort=updatedAt` and `updatedSince`. Permissions are never deleted. To
    mirror: read with `sort=updatedAt`, follow `next` to the end and keep the last item's
    `updatedAt`; the next sync asks `updatedSince` = that time (inclusive: the items at the boundary
    come again, drop ids you already have).
    """
    filters = permissions.PermissionFilter(
        decision=decision,
        kind=kind,
        public_space=public_space,
        conversation_from=conversation_from,
        conversation_to=conversation_to,
        q=q,
    )
    items, next_cursor = permissions.list_page(
        session, actor=actor, filters=filters, cursor=cursor, limit=limit, sync=sync_of(updated_since, sort)
    )
    next_url = next_link(request, next_cursor)
    return Page[RecordingPermissionPublic](items=[to_public(p) for p in items], next=next_url)


@router.get(
    "/recording-permissions/{recordingPermissionId}",
    tags=TAGS,
    operation_id="getRecordingPermission",
    summary="Get a recording permission",
    responses=NOT_MODIFIED,
)
def get_recording_permission_route(
    _reader: Reader,
    permission: CurrentRecordingPermission,
    response: Response,
    if_none_match: IfNoneMatch = None,
) -> RecordingPermissionPublic:
    """One permission; its ETag is needed to change it (If-None-Match with it: 304 while current)."""
    tag = permissions.etag(permission)
    check_not_modified(if_none_match, tag)
    response.headers["ETag"] = tag
    return to_public(permission)


@router.patch(
    "/recording-permissions/{recordingPermissionId}",
    tags=TAGS,
    operation_id="updateRecordingPermission",
    summary="Update a recording permission or record its decision",
)
def update_recording_permission(
    body: RecordingPermissionUpdate,
    actor: Registrar,
    permission: CurrentRecordingPermission,
    session: SessionDep,
    response: Response,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> RecordingPermissionPublic:
    """Change the request, the consents or the decision; needs If-Match with the ETag."""
    updated = permissions.update(session, permission=permission, data=body, actor=actor, if_match=if_match)
    response.headers["ETag"] = permissions.etag(updated)
    return to_public(updated)


@router.get(
    "/recording-permissions/{recordingPermissionId}/receipt",
    tags=TAGS,
    operation_id="getRecordingPermissionReceipt",
    summary="The receipt for the citizen (PDF)",
    response_class=Response,
    responses={
        409: _problem("The request has no decision yet."),
        200: {
            "description": "The receipt as a PDF.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        },
    },
)
def get_recording_permission_receipt(
    actor: Reader,
    permission: CurrentRecordingPermission,
    session: SessionDep,
    language: LanguageQuery = None,
) -> Response:
    """The decision, the conditions and what happens when they are broken, in nl, da or en."""
    document, chosen = receipt.render(session, permission=permission, language=language, actor=actor)
    filename = f"recording-permission-{str(permission.id)[:8]}-{chosen.value}.pdf"
    return Response(
        content=document,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Language": chosen.value,
        },
    )


@router.post(
    "/recording-permissions/{recordingPermissionId}/violations",
    status_code=status.HTTP_201_CREATED,
    tags=TAGS,
    operation_id="createRecordingViolation",
    summary="Record a breach of the conditions as an incident",
    responses={409: _problem("The permission was refused or is pending: it has no conditions to breach.")},
)
def create_recording_violation(
    body: RecordingViolationCreate,
    actor: Registrar,
    permission: CurrentRecordingPermission,
    session: SessionDep,
    response: Response,
) -> RecordingViolationPublic:
    """Record a breach; it opens a linked incident (unauthorised_recording) for normal handling."""
    violation = violations.create(session, permission=permission, data=body, actor=actor)
    response.headers["Location"] = f"/api/v1/incidents/{violation.incident_id}"
    return violations.to_public(violation)


@router.get(
    "/recording-permissions/{recordingPermissionId}/violations",
    tags=TAGS,
    operation_id="listRecordingViolations",
    summary="List the breaches of a recording permission",
)
def list_recording_violations(
    request: Request,
    _reader: Reader,
    permission: CurrentRecordingPermission,
    session: SessionDep,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
) -> Page[RecordingViolationPublic]:
    """The recorded breaches of this permission and their incidents, newest first."""
    items, next_cursor = violations.list_page(session, permission=permission, cursor=cursor, limit=limit)
    next_url = next_link(request, next_cursor)
    return Page[RecordingViolationPublic](items=[violations.to_public(v) for v in items], next=next_url)


# --- house rules -------------------------------------------------------------------------------

SlugPath = Annotated[str, Path(alias="organisationSlug", max_length=63)]


def _rules_public(request: Request, view: house_rules.RulesView) -> RecordingRulesPublic:
    page = request.base_url.replace(
        path=f"/public/{view.organisation.slug}/recording-rules", query=f"language={view.language.value}"
    )
    return RecordingRulesPublic(
        organisation_name=view.organisation.name,
        language=view.language,
        title=view.title,
        body=view.body,
        is_default=view.is_default,
        version=view.version,
        updated_at=view.updated_at,
        page_url=str(page),
    )


@router.get(
    "/organisations/{organisationSlug}/recording-rules",
    operation_id="getRecordingRules",
    summary="The published house rules on recordings (no login)",
    tags=RULES_TAGS,
)
def get_recording_rules(
    request: Request,
    session: SessionDep,
    response: Response,
    organisation_slug: SlugPath,
    language: LanguageQuery = None,
) -> RecordingRulesPublic:
    """The organisation's rules on audio and image recordings, as it publishes them; no login."""
    view = house_rules.get(session, organisation_slug=organisation_slug, language=language)
    response.headers["ETag"] = view.etag
    response.headers["Content-Language"] = view.language.value
    return _rules_public(request, view)


@router.put(
    "/organisations/{organisationSlug}/recording-rules",
    operation_id="replaceRecordingRules",
    summary="Replace the house rules on recordings in one language",
    tags=RULES_TAGS,
)
def replace_recording_rules(
    request: Request,
    body: RecordingRulesUpdate,
    actor: Admin,
    session: SessionDep,
    response: Response,
    organisation_slug: SlugPath,
    language: Annotated[Locale, Query(alias="language", description="nl, da or en.")],
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> RecordingRulesPublic:
    """Set the organisation's own text (admins); If-Match with the ETag, "0" for the default text."""
    view = house_rules.put(
        session,
        organisation_slug=organisation_slug,
        language=language,
        title=body.title,
        body=body.body,
        actor=actor,
        if_match=if_match,
    )
    response.headers["ETag"] = view.etag
    return _rules_public(request, view)
