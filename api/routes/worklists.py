"""Cross-incident worklists: takedown requests awaiting an answer, evidence with integrity alerts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.deps import CurrentActor, Cursor, Limit, SessionDep, TransactionRoute, next_link
from api.routes.takedown_requests import TakedownReader
from api.sync import Sort, UpdatedSince, sync_of
from app.evidence import worklist as evidence_worklist
from app.evidence.models import VerificationResult
from app.evidence.schemas import EvidencePublic, evidence_public
from app.schemas import Page
from app.takedown import service as takedowns
from app.takedown import worklist as takedown_worklist
from app.takedown.models import TakedownStatus
from app.takedown.schemas import TakedownRequestPublic
from app.timestamp import service as timestamps

router = APIRouter(route_class=TransactionRoute)


@router.get(
    "/takedown-requests",
    operation_id="listAllTakedownRequests",
    summary="List takedown requests across incidents",
    tags=["takedown-requests"],
)
def list_all_takedown_requests(
    request: Request,
    actor: TakedownReader,
    session: SessionDep,
    status_: Annotated[
        list[TakedownStatus] | None, Query(alias="status", description="Repeat to match any of them.")
    ] = None,
    answer_overdue: Annotated[
        bool | None,
        Query(
            alias="answerOverdue",
            description="true: sent or acknowledged and past dueAt (the answer is late); false: the rest.",
        ),
    ] = None,
    updated_since: UpdatedSince = None,
    sort: Sort = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[TakedownRequestPublic]:
    """Takedown requests of the incidents the caller may see, newest first (a worklist).

    A change feed with `sort=updatedAt` and `updatedSince`, under the same need-to-know. Requests
    are never deleted: a withdrawn one keeps its row with status `withdrawn`. To mirror: read with
    `sort=updatedAt`, follow `next` to the end and keep the last item's `updatedAt`; the next sync
    asks `updatedSince` = that time (inclusive: the items at the boundary come again, drop ids you
    already have). When an incident becomes visible to you (it appears in the incident feed), read
    its requests in full once: older ones keep their `updatedAt`.
    """
    filters = takedown_worklist.TakedownFilter(status=status_, answer_overdue=answer_overdue)
    items, next_cursor = takedown_worklist.list_page(
        session, actor=actor, filters=filters, cursor=cursor, limit=limit, sync=sync_of(updated_since, sort)
    )
    next_url = next_link(request, next_cursor)
    return Page[TakedownRequestPublic](items=[takedowns.to_public(session, r) for r in items], next=next_url)


@router.get(
    "/evidence",
    operation_id="listAllEvidence",
    summary="List evidence across incidents",
    tags=["evidence"],
)
def list_all_evidence(
    request: Request,
    actor: CurrentActor,
    session: SessionDep,
    verification: Annotated[
        list[VerificationResult] | None,
        Query(
            description="The last verification's result; mismatch and missing are integrity alerts. "
            "Repeat to match any of them."
        ),
    ] = None,
    updated_since: UpdatedSince = None,
    sort: Sort = None,
    cursor: Cursor = None,
    limit: Limit = 25,
) -> Page[EvidencePublic]:
    """Evidence of the incidents the caller may see, newest upload first, tombstones included.

    A change feed with `sort=updatedAt` and `updatedSince`, under the same need-to-know. Evidence
    is never deleted: removal at the end of retention is a change like any other (the item stays as
    a tombstone with `removedAt` set and a new `updatedAt`), so a mirror learns of it from the feed.
    To mirror: read with `sort=updatedAt`, follow `next` to the end and keep the last item's
    `updatedAt`; the next sync asks `updatedSince` = that time (inclusive: the items at the boundary
    come again, drop ids you already have). When an incident becomes visible to you (it appears in
    the incident feed), read its evidence in full once: older items keep their `updatedAt`.
    """
    filters = evidence_worklist.EvidenceFilter(verification=verification)
    items, next_cursor = evidence_worklist.list_page(
        session, actor=actor, filters=filters, cursor=cursor, limit=limit, sync=sync_of(updated_since, sort)
    )
    next_url = next_link(request, next_cursor)
    stamps = timestamps.tokens_for(session, evidence_ids=[i.id for i in items])
    return Page[EvidencePublic](items=[evidence_public(i, timestamps=stamps) for i in items], next=next_url)
