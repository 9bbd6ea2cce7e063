"""The organisation's preparedness plan."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response

from api.deps import Permission, SessionDep, TransactionRoute
from app.auth.actor import Actor, Scope
from app.organisation.models import Role
from app.preparedness import service as plans
from app.preparedness.schemas import PreparednessPlanPublic, PreparednessPlanReplace

router = APIRouter(tags=["preparedness-plan"], route_class=TransactionRoute)
# Every member of staff reads it (it tells them what to do); coordinators and admins keep it.
PlanReader = Annotated[Actor, Depends(Permission(scope=Scope.incidents_read))]
PlanKeeper = Annotated[Actor, Depends(Permission(Role.case_handler, Role.admin))]


@router.get("/preparedness-plan", operation_id="getPreparednessPlan", summary="Get the preparedness plan")
def get_preparedness_plan(
    actor: PlanReader, session: SessionDep, response: Response
) -> PreparednessPlanPublic:
    """The norm, who monitors, who responds, the contacts and the removal guidance (version 0: not
    written yet)."""
    plan = plans.find(session, actor=actor)
    response.headers["ETag"] = plans.etag(plan)
    return plans.to_public(plan)


@router.put(
    "/preparedness-plan", operation_id="replacePreparednessPlan", summary="Replace the preparedness plan"
)
def replace_preparedness_plan(
    body: PreparednessPlanReplace,
    actor: PlanKeeper,
    session: SessionDep,
    response: Response,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> PreparednessPlanPublic:
    """Save the whole plan (coordinators and administrators); If-Match with the ETag read ("0" first)."""
    plan = plans.replace(session, data=body, actor=actor, if_match=if_match)
    response.headers["ETag"] = plans.etag(plan)
    return plans.to_public(plan)
