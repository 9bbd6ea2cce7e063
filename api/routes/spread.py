"""How widely a post spread (copies and reposts found later) and re-checks of removed URLs."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status

from api.deps import (
    CurrentIncident,
    Cursor,
    IfMatch,
    Limit,
    SessionDep,
    SettingsDep,
    TransactionRoute,
    next_link,
)
from api.routes.takedown_requests import TakedownReader, TakedownWriter
from api.sync import NOT_MODIFIED, IfNoneMatch, check_not_modified
from app.schemas import Page
from app.spread import recheck as rechecks
from app.spread import service as spread
from app.spread.schemas import (
    SpreadItemCreate,
    SpreadItemPublic,
    SpreadItemUpdate,
    TakedownCoverage,
    UrlRecheckCreate,
    UrlRecheckPublic,
    UrlRecheckResultPublic,
    UrlRecheckUpdate,
)

router = APIRouter(tags=["spread"], route_class=TransactionRoute)
SpreadItemId = Annotated[uuid.UUID, Path(alias="spreadItemId")]
RecheckId = Annotated[uuid.UUID, Path(alias="urlRecheckId")]


@router.post(
    "/incidents/{incidentId}/spread-items",
    status_code=status.HTTP_201_CREATED,
    operation_id="createSpreadItem",
    summary="Record a copy or repost",
)
def create_spread_item(
    body: SpreadItemCreate,
    incident: CurrentIncident,
    actor: TakedownWriter,
    session: SessionDep,
    response: Response,
) -> SpreadItemPublic:
    """Record where the content was copied or reposted; coverage shows whether a takedown names it."""
    item = spread.create(session, incident=incident, data=body, actor=actor)
    response.headers["Location"] = f"/api/v1/spread-items/{item.id}"
    response.headers["ETag"] = spread.etag(item)
    return spread.to_public(session, item)


@router.get(
    "/incidents/{incidentId}/spread-items",
    operation_id="listSpreadItems",
    summary="List an incident's copies and reposts",
)
def list_spread_items(
    request: Request,
    incident: CurrentIncident,
    actor: TakedownReader,
    session: SessionDep,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[SpreadItemPublic]:
    """The copies and reposts found, oldest first, each with its takedown coverage."""
    items, next_cursor = spread.list_page(
        session, incident_id=incident.id, actor=actor, cursor=cursor, limit=limit
    )
    next_url = next_link(request, next_cursor)
    return Page[SpreadItemPublic](items=spread.to_public_many(session, items), next=next_url)


@router.get(
    "/spread-items/{spreadItemId}",
    operation_id="getSpreadItem",
    summary="Get a copy or repost",
    responses=NOT_MODIFIED,
)
def get_spread_item(
    spread_item_id: SpreadItemId,
    actor: TakedownReader,
    session: SessionDep,
    response: Response,
    if_none_match: IfNoneMatch = None,
) -> SpreadItemPublic:
    """One spread item; its ETag is needed to change it."""
    item = spread.get(session, spread_item_id=spread_item_id, actor=actor)
    tag = spread.etag(item)
    check_not_modified(if_none_match, tag)
    response.headers["ETag"] = tag
    return spread.to_public(session, item)


@router.patch(
    "/spread-items/{spreadItemId}",
    operation_id="updateSpreadItem",
    summary="Correct a copy or repost",
)
def update_spread_item(
    spread_item_id: SpreadItemId,
    body: SpreadItemUpdate,
    actor: TakedownWriter,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> SpreadItemPublic:
    """Correct the URL, kind, platform, reach, note or when it was found (merge patch, If-Match)."""
    item = spread.get(session, spread_item_id=spread_item_id, actor=actor)
    updated = spread.update(session, item=item, data=body, actor=actor, if_match=if_match)
    response.headers["ETag"] = spread.etag(updated)
    return spread.to_public(session, updated)


@router.post(
    "/spread-items/{spreadItemId}/takedown-coverage",
    operation_id="coverSpreadItem",
    summary="Add a copy's URL to a draft takedown request",
)
def cover_spread_item(
    spread_item_id: SpreadItemId,
    body: TakedownCoverage,
    actor: TakedownWriter,
    session: SessionDep,
) -> SpreadItemPublic:
    """Add the URL to a draft takedown request of the same incident (409 when it is no longer a draft)."""
    item = spread.get(session, spread_item_id=spread_item_id, actor=actor)
    spread.cover(session, item=item, takedown_request_id=body.takedown_request_id, actor=actor)
    return spread.to_public(session, item)


@router.post(
    "/incidents/{incidentId}/url-rechecks",
    status_code=status.HTTP_201_CREATED,
    operation_id="createUrlRecheck",
    summary="Re-check that a removed URL stays removed",
)
def create_url_recheck(
    body: UrlRecheckCreate,
    incident: CurrentIncident,
    actor: TakedownWriter,
    session: SessionDep,
    response: Response,
) -> UrlRecheckPublic:
    """Check the URL every intervalDays for durationDays; a notice goes out when it is back online.

    A takedown request answered `removed` starts one per URL by itself (first check a day later,
    then weekly for 90 days).
    """
    found = rechecks.create(session, incident=incident, data=body, actor=actor)
    response.headers["Location"] = f"/api/v1/url-rechecks/{found.id}"
    response.headers["ETag"] = rechecks.etag(found)
    return rechecks.to_public(session, found)


@router.get(
    "/incidents/{incidentId}/url-rechecks",
    operation_id="listUrlRechecks",
    summary="List an incident's URL re-checks",
)
def list_url_rechecks(
    request: Request,
    incident: CurrentIncident,
    actor: TakedownReader,
    session: SessionDep,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[UrlRecheckPublic]:
    """The re-checks, oldest first, each with its latest results."""
    items, next_cursor = rechecks.list_page(
        session, incident_id=incident.id, actor=actor, cursor=cursor, limit=limit
    )
    next_url = next_link(request, next_cursor)
    return Page[UrlRecheckPublic](items=[rechecks.to_public(session, r) for r in items], next=next_url)


@router.get(
    "/url-rechecks/{urlRecheckId}",
    operation_id="getUrlRecheck",
    summary="Get a URL re-check",
    responses=NOT_MODIFIED,
)
def get_url_recheck(
    url_recheck_id: RecheckId,
    actor: TakedownReader,
    session: SessionDep,
    response: Response,
    if_none_match: IfNoneMatch = None,
) -> UrlRecheckPublic:
    """One re-check with its latest results; its ETag is needed to change it."""
    found = rechecks.get(session, recheck_id=url_recheck_id, actor=actor)
    tag = rechecks.etag(found)
    check_not_modified(if_none_match, tag)
    response.headers["ETag"] = tag
    return rechecks.to_public(session, found)


@router.patch(
    "/url-rechecks/{urlRecheckId}",
    operation_id="updateUrlRecheck",
    summary="Stop, resume or re-time a URL re-check",
)
def update_url_recheck(
    url_recheck_id: RecheckId,
    body: UrlRecheckUpdate,
    actor: TakedownWriter,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> UrlRecheckPublic:
    """Stop or resume the re-check, or change its interval (merge patch, If-Match)."""
    found = rechecks.get(session, recheck_id=url_recheck_id, actor=actor)
    updated = rechecks.update(session, recheck=found, data=body, actor=actor, if_match=if_match)
    response.headers["ETag"] = rechecks.etag(updated)
    return rechecks.to_public(session, updated)


@router.post(
    "/url-rechecks/{urlRecheckId}/results",
    status_code=status.HTTP_201_CREATED,
    operation_id="checkUrlNow",
    summary="Check a removed URL now",
)
def check_url_now(
    url_recheck_id: RecheckId,
    actor: TakedownWriter,
    session: SessionDep,
    settings: SettingsDep,
) -> UrlRecheckResultPublic:
    """Ask the URL now (public addresses only, no redirects followed, nothing stored but the answer's
    status): 2xx back online, 404/410/451 still removed, another status inconclusive, no answer
    unreachable."""
    found = rechecks.get(session, recheck_id=url_recheck_id, actor=actor)
    result = rechecks.check_now(session, recheck=found, actor=actor, settings=settings)
    return UrlRecheckResultPublic.model_validate(result)
