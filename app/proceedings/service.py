"""Record the police decision of an incident and the particulars of a civil claim."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from app import concurrency
from app.action import service as actions
from app.action.models import Action, ActionKind
from app.audit import service as audit
from app.auth.actor import Actor
from app.db import utcnow
from app.errors import FieldError, Invalid, InvalidState
from app.incident.models import Incident
from app.proceedings.models import CivilClaim, Claimant, PoliceAssessment, PoliceDecision
from app.proceedings.schemas import (
    CivilClaimPublic,
    CivilClaimPut,
    PoliceAssessmentPublic,
    PoliceAssessmentPut,
)

# --- the police decision ----------------------------------------------------------------------


def etag(record: PoliceAssessment | CivilClaim | None) -> str:
    """The strong ETag of the record's version; "0" while none is recorded (If-Match to record the
    first one)."""
    return concurrency.etag(record.version if record else 0)


def get_assessment(session: Session, *, incident: Incident) -> PoliceAssessment | None:
    """The incident's police decision, if one is recorded."""
    stmt = select(PoliceAssessment).where(PoliceAssessment.incident_id == incident.id)
    return session.exec(stmt).first()


def put_assessment(
    session: Session, *, incident: Incident, data: PoliceAssessmentPut, actor: Actor, if_match: str | None
) -> tuple[PoliceAssessment, bool]:
    """Record or replace the decision with If-Match ("0" for the first one). True when created."""
    if data.decision == PoliceDecision.no_report and data.reason is None:
        raise Invalid(
            "Say why the police are not involved.",
            [FieldError("reason", "required when the decision is no_report", code="required")],
        )
    values: dict[str, Any] = {
        "context": data.context.strip(),
        "reach": data.reach.value,
        "impact": data.impact.value,
        "impact_notes": data.impact_notes,
        "decision": data.decision.value,
        "reason": data.reason,
        "assessed_by_user_id": actor.user_id,
        "assessed_by_client_id": actor.client_id,
        "assessed_at": utcnow(),
    }
    record = get_assessment(session, incident=incident)
    concurrency.check_if_match(current=etag(record), if_match=if_match, what="the police assessment")
    created = record is None
    if record is None:
        record = PoliceAssessment(organisation_id=incident.organisation_id, incident_id=incident.id, **values)
    else:
        record.version += 1
        for name, value in values.items():
            setattr(record, name, value)
    session.add(record)
    session.flush()
    audit.record(
        session,
        action="police_assessment.create" if created else "police_assessment.update",
        organisation_id=incident.organisation_id,
        actor=actor,
        object_type="incident",
        object_id=incident.id,
        details={
            "decision": record.decision,
            "reach": record.reach,
            "impact": record.impact,
            "version": record.version,
        },
    )
    return record, created


def assessment_public(record: PoliceAssessment, *, incident: Incident) -> PoliceAssessmentPublic:
    """The API view; frequency comes from the incident (its one home)."""
    return PoliceAssessmentPublic.model_validate(
        {
            "id": record.id,
            "incident_id": record.incident_id,
            "context": record.context,
            "reach": record.reach,
            "frequency": incident.frequency,
            "impact": record.impact,
            "impact_notes": record.impact_notes,
            "decision": record.decision,
            "reason": record.reason,
            "assessed_by": record.assessed_by_user_id,
            "assessed_at": record.assessed_at,
            "version": record.version,
        }
    )


# --- civil claims -----------------------------------------------------------------------------


def _minor(amount: str) -> int:
    return int(Decimal(amount) * 100)


def _amount(minor: int) -> str:
    return f"{Decimal(minor) / 100:.2f}"


def get_claim(session: Session, *, action: Action) -> CivilClaim | None:
    """The particulars of a civil-claim action, if recorded."""
    return session.exec(select(CivilClaim).where(CivilClaim.action_id == action.id)).first()


def put_claim(
    session: Session, *, action_id: uuid.UUID, data: CivilClaimPut, actor: Actor, if_match: str | None
) -> tuple[CivilClaim, Action, bool]:
    """Record or replace a claim's particulars with If-Match ("0" for the first). True when created."""
    action = actions.get(session, action_id=action_id, actor=actor)
    claim = get_claim(session, action=action)
    concurrency.check_if_match(current=etag(claim), if_match=if_match, what="the civil claim")
    if action.kind != ActionKind.civil_claim.value:
        raise InvalidState("Only an action of kind civil_claim has the particulars of a claim.")
    errors: list[FieldError] = []
    if _minor(data.amount) <= 0:
        errors.append(FieldError("amount", "must be more than zero", code="not_positive"))
    if data.claimant == Claimant.employee and data.claimant_name is None:
        errors.append(FieldError("claimantName", "required when the employee claims", code="required"))
    if errors:
        raise Invalid("The claim is not valid.", errors)
    values: dict[str, Any] = {
        "claimant": data.claimant.value,
        "claimant_name": data.claimant_name,
        "route": data.route.value,
        "damage": data.damage.value,
        "amount_minor": _minor(data.amount),
        "currency": data.currency.value,
        "updated_by_user_id": actor.user_id,
        "updated_by_client_id": actor.client_id,
        "updated_at": utcnow(),
    }
    created = claim is None
    if claim is None:
        claim = CivilClaim(organisation_id=action.organisation_id, action_id=action.id, **values)
    else:
        claim.version += 1
        for name, value in values.items():
            setattr(claim, name, value)
    session.add(claim)
    session.flush()
    audit.record(
        session,
        action="civil_claim.create" if created else "civil_claim.update",
        organisation_id=action.organisation_id,
        actor=actor,
        object_type="action",
        object_id=action.id,
        details={"claimant": claim.claimant, "route": claim.route, "version": claim.version},
    )
    return claim, action, created


def claims_of(session: Session, *, incident: Incident) -> list[tuple[CivilClaim, Action]]:
    """The recorded claims of an incident's civil-claim actions, oldest action first."""
    stmt = (
        select(CivilClaim, Action)
        .join(Action, col(Action.id) == col(CivilClaim.action_id))
        .where(Action.incident_id == incident.id)
        .order_by(col(Action.created_at), col(Action.id))
    )
    return [(claim, action) for claim, action in session.exec(stmt).all()]


def claim_public(claim: CivilClaim, *, action: Action) -> CivilClaimPublic:
    """The API view of a claim."""
    return CivilClaimPublic.model_validate(
        {
            "id": claim.id,
            "action_id": claim.action_id,
            "incident_id": action.incident_id,
            "claimant": claim.claimant,
            "claimant_name": claim.claimant_name,
            "route": claim.route,
            "damage": claim.damage,
            "amount": _amount(claim.amount_minor),
            "currency": claim.currency,
            "updated_at": claim.updated_at,
            "version": claim.version,
        }
    )
