"""Statistics: what the organisation faces, in counts and medians, without personal data."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime

from api.access import access_text, documented_access
from api.deps import Permission, SessionDep, TransactionRoute
from app.auth.actor import Actor, Scope
from app.export.service import check_range
from app.organisation.models import Role
from app.statistics import service as statistics
from app.statistics.schemas import Statistics

router = APIRouter(tags=["statistics"], route_class=TransactionRoute)

ROLES = (Role.admin, Role.manager, Role.case_handler, Role.privacy_officer, Role.legal)
Reader = Annotated[Actor, Depends(Permission(*ROLES, scope=Scope.statistics_read))]


@router.get(
    "/statistics",
    operation_id="getStatistics",
    summary="Incident statistics",
    description="Counts per month, behaviour, platform, classification and status, and the median "
    "hours to the first action and to removal, for incidents that occurred in [occurredFrom, "
    "occurredTo). Only the incidents the caller may see count (the same need-to-know as the incident "
    "list: e.g. strictly confidential incidents count only for those who may open them, API clients "
    "never count them), so no window singles out an incident; no personal data is returned."
    + access_text(*ROLES, scope=Scope.statistics_read),
    openapi_extra=documented_access(*ROLES, scope=Scope.statistics_read),
)
def get_statistics(
    actor: Reader,
    session: SessionDep,
    occurred_from: Annotated[AwareDatetime | None, Query(alias="occurredFrom")] = None,
    occurred_to: Annotated[AwareDatetime | None, Query(alias="occurredTo")] = None,
) -> Statistics:
    """The figures about the incidents the caller may see."""
    span = check_range(occurred_from, occurred_to)
    return Statistics.model_validate(statistics.summary(session, actor=actor, span=span))
