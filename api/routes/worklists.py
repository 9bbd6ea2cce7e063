"""Cross-incident worklists: takedown requests awaiting an answer, evidence with integrity alerts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.deps import CurrentActor, SessionDep
from api.routes.takedown_requests import TakedownReader
from app.evidence import worklist as evidence_worklist
from app.evidence.models import VerificationResult
from app.evidence.schemas import EvidencePublic, evidence_public
from app.schemas import Page
from app.takedown import service as takedowns
from app.takedown import worklist as takedown_worklist
from app.takedown.models import TakedownStatus
from app.takedown.schemas import TakedownRequestPublic

router = APIRouter()
Cursor = Annotated[str | None, Query(max_length=200)]
Limit = Annotated[int, Query(ge=1, le=100)]


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
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[TakedownRequestPublic]:
    """Takedown requests of the incidents the caller may see, newest first (a worklist)."""
    filters = takedown_worklist.TakedownFilter(status=status_, answer_overdue=answer_overdue)
    items, next_cursor = takedown_worklist.list_page(
        session, actor=actor, filters=filters, cursor=cursor, limit=limit
    )
    next_url = str(request.url.include_query_params(cursor=next_cursor)) if next_cursor else None
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
    cursor: Cursor = None,
    limit: Limit = 25,
) -> Page[EvidencePublic]:
    """Evidence of the incidents the caller may see, newest upload first, tombstones included."""
    filters = evidence_worklist.EvidenceFilter(verification=verification)
    items, next_cursor = evidence_worklist.list_page(
        session, actor=actor, filters=filters, cursor=cursor, limit=limit
    )
    next_url = str(request.url.include_query_params(cursor=next_cursor)) if next_cursor else None
    return Page[EvidencePublic](items=[evidence_public(i) for i in items], next=next_url)
