"""The police decision of an incident and the particulars of its civil claims."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from api.deps import CurrentIncident, IfMatch, Permission, SessionDep, TransactionRoute
from api.sync import NOT_MODIFIED, IfNoneMatch, check_not_modified
from app.action import service as actions
from app.auth.actor import Actor, Scope
from app.errors import NotFound
from app.organisation.models import Role
from app.proceedings import service as proceedings
from app.proceedings.schemas import (
    CivilClaimPublic,
    CivilClaimPut,
    PoliceAssessmentPublic,
    PoliceAssessmentPut,
)

router = APIRouter(tags=["proceedings"], route_class=TransactionRoute)

HANDLERS = (Role.case_handler, Role.privacy_officer, Role.legal)
Reader = Annotated[Actor, Depends(Permission(*HANDLERS, Role.manager, scope=Scope.actions_read))]
Writer = Annotated[Actor, Depends(Permission(*HANDLERS, scope=Scope.actions_write))]
ActionId = Annotated[uuid.UUID, Path(alias="actionId")]


@router.get(
    "/incidents/{incidentId}/police-assessment",
    operation_id="getPoliceAssessment",
    summary="Get the police decision of an incident",
    responses=NOT_MODIFIED,
)
def get_police_assessment(
    incident: CurrentIncident,
    _reader: Reader,
    session: SessionDep,
    response: Response,
    if_none_match: IfNoneMatch = None,
) -> PoliceAssessmentPublic:
    """What was weighed (context, reach, frequency, impact) and the decision; 404 until recorded."""
    record = proceedings.get_assessment(session, incident=incident)
    if record is None:
        raise NotFound("Police assessment")
    tag = proceedings.etag(record)
    check_not_modified(if_none_match, tag)
    response.headers["ETag"] = tag
    return proceedings.assessment_public(record, incident=incident)


@router.put(
    "/incidents/{incidentId}/police-assessment",
    operation_id="putPoliceAssessment",
    summary="Record the police decision of an incident",
)
def put_police_assessment(
    body: PoliceAssessmentPut,
    incident: CurrentIncident,
    actor: Writer,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> PoliceAssessmentPublic:
    """Record the decision (report, notify or no report) with what was weighed. If-Match: the
    ETag of the recorded decision, or "0" to record the first one. The frequency is the incident's own."""
    record, _created = proceedings.put_assessment(
        session, incident=incident, data=body, actor=actor, if_match=if_match
    )
    response.headers["ETag"] = proceedings.etag(record)
    return proceedings.assessment_public(record, incident=incident)


@router.get(
    "/incidents/{incidentId}/civil-claims",
    operation_id="listIncidentCivilClaims",
    summary="List the civil claims of an incident",
)
def list_civil_claims(
    incident: CurrentIncident, _reader: Reader, session: SessionDep
) -> list[CivilClaimPublic]:
    """The recorded particulars of the incident's civil-claim actions (few per incident: no pages)."""
    return [
        proceedings.claim_public(claim, action=action)
        for claim, action in proceedings.claims_of(session, incident=incident)
    ]


@router.get(
    "/actions/{actionId}/civil-claim",
    operation_id="getCivilClaim",
    summary="Get the particulars of a civil claim",
    responses=NOT_MODIFIED,
)
def get_civil_claim(
    action_id: ActionId,
    actor: Reader,
    session: SessionDep,
    response: Response,
    if_none_match: IfNoneMatch = None,
) -> CivilClaimPublic:
    """Claimant, route, damage, amount and currency of a civil-claim action; 404 until recorded."""
    action = actions.get(session, action_id=action_id, actor=actor)
    claim = proceedings.get_claim(session, action=action)
    if claim is None:
        raise NotFound("Civil claim")
    tag = proceedings.etag(claim)
    check_not_modified(if_none_match, tag)
    response.headers["ETag"] = tag
    return proceedings.claim_public(claim, action=action)


@router.put(
    "/actions/{actionId}/civil-claim",
    operation_id="putCivilClaim",
    summary="Record the particulars of a civil claim",
)
def put_civil_claim(
    action_id: ActionId,
    body: CivilClaimPut,
    actor: Writer,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> CivilClaimPublic:
    """Who claims (organisation or employee), through which procedure, which damage, how much;
    only for an action of kind civil_claim (409 otherwise). If-Match: the ETag of the recorded
    particulars, or "0" to record them the first time."""
    claim, action, _created = proceedings.put_claim(
        session, action_id=action_id, data=body, actor=actor, if_match=if_match
    )
    response.headers["ETag"] = proceedings.etag(claim)
    return proceedings.claim_public(claim, action=action)
