"""Takedown requests, their letters, and the letter templates."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response, status
from fastapi.responses import Response as RawResponse

from api.deps import Admin, CurrentIncident, Permission, SessionDep, TransactionRoute, next_link
from api.handling import HandlingPermission
from api.sync import NOT_MODIFIED, IfNoneMatch, Sort, UpdatedSince, check_not_modified, sync_of
from app.auth.actor import Actor, Scope
from app.organisation.models import Role
from app.schemas import Page
from app.takedown import letters
from app.takedown import service as takedowns
from app.takedown.models import LetterLanguage
from app.takedown.schemas import (
    LetterTemplatePublic,
    LetterTemplateReplace,
    TakedownRequestCreate,
    TakedownRequestPublic,
    TakedownRequestUpdate,
)

router = APIRouter(tags=["takedown-requests"], route_class=TransactionRoute)

HANDLERS = (Role.case_handler, Role.privacy_officer, Role.legal)
TAKEDOWN_READ = Permission(*HANDLERS, Role.manager, scope=Scope.takedowns_read)
TakedownReader = Annotated[Actor, Depends(TAKEDOWN_READ)]
TAKEDOWN_WRITE = HandlingPermission(scope=Scope.takedowns_write)
TakedownWriter = Annotated[Actor, Depends(TAKEDOWN_WRITE)]
RequestId = Annotated[uuid.UUID, Path(alias="takedownRequestId")]
PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The letter as PDF.",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.post(
    "/incidents/{incidentId}/takedown-requests",
    status_code=status.HTTP_201_CREATED,
    operation_id="createTakedownRequest",
    summary="Draft a takedown request",
)
def create_takedown_request(
    body: TakedownRequestCreate,
    incident: CurrentIncident,
    actor: TakedownWriter,
    session: SessionDep,
    response: Response,
) -> TakedownRequestPublic:
    """Draft a request to remove content (or disclose a sender); platform notices need DSA Art. 16 fields."""
    request = takedowns.create(session, incident=incident, data=body, actor=actor)
    response.headers["Location"] = f"/api/v1/takedown-requests/{request.id}"
    response.headers["ETag"] = takedowns.etag(request)
    return takedowns.to_public(session, request)


@router.get(
    "/incidents/{incidentId}/takedown-requests",
    operation_id="listTakedownRequests",
    summary="List an incident's takedown requests",
)
def list_takedown_requests(
    request: Request,
    incident: CurrentIncident,
    actor: TakedownReader,
    session: SessionDep,
    updated_since: UpdatedSince = None,
    sort: Sort = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Page[TakedownRequestPublic]:
    """The incident's takedown requests, oldest first (so escalations follow their origin).

    A change feed with `sort=updatedAt` and `updatedSince`: see GET /takedown-requests
    (listAllTakedownRequests).
    """
    items, next_cursor = takedowns.list_page(
        session,
        actor=actor,
        incident_id=incident.id,
        cursor=cursor,
        limit=limit,
        sync=sync_of(updated_since, sort),
    )
    next_url = next_link(request, next_cursor)
    return Page[TakedownRequestPublic](items=[takedowns.to_public(session, r) for r in items], next=next_url)


@router.get(
    "/takedown-requests/{takedownRequestId}",
    operation_id="getTakedownRequest",
    summary="Get a takedown request",
    responses=NOT_MODIFIED,
)
def get_takedown_request(
    takedown_request_id: RequestId,
    actor: TakedownReader,
    session: SessionDep,
    response: Response,
    if_none_match: IfNoneMatch = None,
) -> TakedownRequestPublic:
    """One takedown request; its ETag is needed to change it (If-None-Match with it: 304 while current)."""
    found = takedowns.get(session, takedown_request_id=takedown_request_id, actor=actor)
    tag = takedowns.etag(found)
    check_not_modified(if_none_match, tag)
    response.headers["ETag"] = tag
    return takedowns.to_public(session, found)


@router.patch(
    "/takedown-requests/{takedownRequestId}",
    operation_id="updateTakedownRequest",
    summary="Update a takedown request",
)
def update_takedown_request(
    takedown_request_id: RequestId,
    body: TakedownRequestUpdate,
    actor: TakedownWriter,
    session: SessionDep,
    response: Response,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> TakedownRequestPublic:
    """Edit a draft or change the status; sending needs evidence for every URL and the police report first."""
    found = takedowns.get(session, takedown_request_id=takedown_request_id, actor=actor)
    updated = takedowns.update(session, request=found, data=body, actor=actor, if_match=if_match)
    response.headers["ETag"] = takedowns.etag(updated)
    return takedowns.to_public(session, updated)


@router.get(
    "/takedown-requests/{takedownRequestId}/letter",
    operation_id="getTakedownRequestLetter",
    summary="Render a takedown request's letter",
    response_class=RawResponse,
    responses=PDF_RESPONSE,
)
def get_takedown_letter(
    takedown_request_id: RequestId,
    actor: TakedownReader,
    session: SessionDep,
    language: Annotated[LetterLanguage, Query(description="nl, da or en.")] = LetterLanguage.en,
) -> RawResponse:
    """The letter as PDF in Dutch, Danish or English, from the organisation's template."""
    found = takedowns.get(session, takedown_request_id=takedown_request_id, actor=actor)
    document = letters.render(session, request=found, language=language, actor=actor)
    filename = f"takedown-{found.id}-{language.value}.pdf"
    return RawResponse(
        content=document,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


LanguagePath = Annotated[LetterLanguage, Path(alias="language", description="nl, da or en.")]


@router.get("/letter-templates/{language}", operation_id="getLetterTemplate", summary="Get a letter template")
def get_letter_template(
    language: LanguagePath, actor: Admin, session: SessionDep, response: Response
) -> LetterTemplatePublic:
    """The organisation's takedown letter template in this language (admins)."""
    template = letters.get_template(session, organisation_id=actor.organisation_id, language=language)
    response.headers["ETag"] = letters.etag(template)
    return LetterTemplatePublic.model_validate(template)


@router.put(
    "/letter-templates/{language}", operation_id="replaceLetterTemplate", summary="Replace a letter template"
)
def replace_letter_template(
    language: LanguagePath,
    body: LetterTemplateReplace,
    actor: Admin,
    session: SessionDep,
    response: Response,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> LetterTemplatePublic:
    """Replace the template (Jinja2 HTML, rendered sandboxed); it must compile. Needs If-Match."""
    template = letters.replace_template(
        session, language=language, body=body.body, actor=actor, if_match=if_match
    )
    response.headers["ETag"] = letters.etag(template)
    return LetterTemplatePublic.model_validate(template)
