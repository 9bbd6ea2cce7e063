"""Web captures: ask the server's browser to capture a URL as evidence, and follow its progress."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool

from api.access import access_text, documented_access
from api.deps import CurrentActor, CurrentIncident, SessionDep, SettingsDep, TransactionRoute, next_link
from app.auth.actor import HANDLER_ROLES, Scope
from app.capture import jobs as _capture_jobs  # noqa: F401 - registers the capture job
from app.capture import service as captures
from app.capture.fetch import policy_from
from app.capture.schemas import CaptureCreate, CapturePublic, capture_public
from app.schemas import Page

router = APIRouter(tags=["captures"], route_class=TransactionRoute)

CAPTURERS = tuple(sorted(HANDLER_ROLES))


@router.post(
    "/incidents/{incidentId}/captures",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="createCapture",
    summary="Capture a URL as evidence",
    description="Queue a capture of the URL by the server's headless browser. Every request it makes "
    "(the page, redirects, images, scripts) is fetched from a checked public address and archived: "
    "when done, the incident has three evidence items (WACZ, full-page PNG screenshot, metadata "
    "JSON) and the capture names them; when failed, `reason` says why and nothing was stored. "
    "Follow `Location` until `status` is done or failed."
    + access_text(*CAPTURERS, scope=Scope.evidence_write),
    openapi_extra=documented_access(*CAPTURERS, scope=Scope.evidence_write),
)
async def create_capture(
    body: CaptureCreate,
    incident: CurrentIncident,
    actor: CurrentActor,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> CapturePublic:
    """Queue a capture (202); refused at once (400) when the URL is not http(s) or not public."""
    captures.may_capture(actor)
    # The host is resolved outside any transaction: a slow DNS answer holds no lock.
    await run_in_threadpool(session.commit)
    url = await run_in_threadpool(captures.check_url, body.url, policy_from(settings))

    def create() -> CapturePublic:
        capture = captures.create(session, incident=incident, data=body, actor=actor, url=url)
        return capture_public(capture)

    public = await run_in_threadpool(create)
    response.headers["Location"] = f"/api/v1/captures/{public.id}"
    return public


@router.get(
    "/incidents/{incidentId}/captures",
    operation_id="listCaptures",
    summary="List an incident's web captures",
)
def list_captures(
    request: Request,
    incident: CurrentIncident,
    actor: CurrentActor,
    session: SessionDep,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
) -> Page[CapturePublic]:
    """The incident's captures, newest first (whoever may see the incident's evidence)."""
    items, next_cursor = captures.list_page(
        session, incident=incident, actor=actor, cursor=cursor, limit=limit
    )
    next_url = next_link(request, next_cursor)
    return Page[CapturePublic](items=[capture_public(c) for c in items], next=next_url)


@router.get("/captures/{captureId}", operation_id="getCapture", summary="Get a web capture")
def get_capture(
    capture_id: Annotated[uuid.UUID, Path(alias="captureId")],
    actor: CurrentActor,
    session: SessionDep,
) -> CapturePublic:
    """One capture: its status, and when done its three evidence items."""
    return capture_public(captures.get(session, capture_id=capture_id, actor=actor))
