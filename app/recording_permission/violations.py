"""Breaches of a permission's conditions: recorded, and handled as a linked incident."""

from __future__ import annotations

from typing import Any

from sqlalchemy import tuple_
from sqlmodel import Session, col, select

from app import pagination
from app.audit import service as audit
from app.auth.actor import Actor
from app.errors import FieldError, Invalid, InvalidState
from app.incident import workflow
from app.incident.models import Behaviour, PerpetratorRelation
from app.incident.schemas import IncidentCreate
from app.notification import rules as notification_rules
from app.organisation.models import Locale, Organisation
from app.recording_permission.models import (
    Decision,
    RecordingPermission,
    RecordingViolation,
)
from app.recording_permission.receipt import local_time
from app.recording_permission.schemas import RecordingViolationCreate, RecordingViolationPublic, actor_ref
from app.recording_permission.service import require_writer
from app.recording_permission.texts import RECEIPT
from app.webhook import service as webhooks

# Conditions exist once the requester accepted a permission or the alternative offered.
WITH_CONDITIONS = frozenset({Decision.granted.value, Decision.alternative_offered.value})

TITLES = {
    Locale.nl: "Opname in strijd met de spelregels",
    Locale.da: "Optagelse i strid med reglerne",
    Locale.en: "Recording in breach of the rules",
}


# The line that ties the incident to the permission, in the organisation's language.
CONTEXT = {
    Locale.nl: "Toestemming voor opname {id}: {kinds}, gesprek op {at} in {place}; beslissing: {decision}; "
    "overtreding: {breach}.",
    Locale.da: "Tilladelse til optagelse {id}: {kinds}, samtale {at} på {place}; afgørelse: {decision}; "
    "overtrædelse: {breach}.",
    Locale.en: "Recording permission {id}: {kinds}, conversation {at} at {place}; decision: {decision}; "
    "breach: {breach}.",
}
VIOLATION_LABELS = {
    Locale.nl: {
        "recording_without_permission": "opname zonder toestemming",
        "publication": "openbaar gemaakt",
        "editing": "geknipt of bewerkt",
        "sharing": "gedeeld met anderen",
    },
    Locale.da: {
        "recording_without_permission": "optagelse uden tilladelse",
        "publication": "offentliggjort",
        "editing": "klippet eller redigeret",
        "sharing": "delt med andre",
    },
    Locale.en: {
        "recording_without_permission": "recording without permission",
        "publication": "published",
        "editing": "cut or edited",
        "sharing": "shared with others",
    },
}


STEP_LABELS: dict[Locale, dict[str, str]] = {
    Locale.nl: {
        "asked_to_stop": "gevraagd te stoppen",
        "summoned_to_stop": "gesommeerd te stoppen",
        "asked_to_leave": "gevraagd het pand te verlaten",
        "summoned_to_leave": "gesommeerd het pand te verlaten",
        "employee_left": "de medewerker heeft de plek verlaten",
    },
    Locale.da: {
        "asked_to_stop": "bedt om at stoppe",
        "summoned_to_stop": "påbudt at stoppe",
        "asked_to_leave": "bedt om at forlade bygningen",
        "summoned_to_leave": "påbudt at forlade bygningen",
        "employee_left": "medarbejderen forlod stedet",
    },
    Locale.en: {
        "asked_to_stop": "asked to stop",
        "summoned_to_stop": "summoned to stop",
        "asked_to_leave": "asked to leave the building",
        "summoned_to_leave": "summoned to leave the building",
        "employee_left": "the employee left the place",
    },
}
STEPS_INTRO = {Locale.nl: "Genomen stappen", Locale.da: "Trin taget", Locale.en: "Steps taken"}


def context_line(permission: RecordingPermission, kinds: list[str], organisation: Organisation | None) -> str:
    """The permission and the breach in one line, in the organisation's language."""
    language = Locale(organisation.default_locale) if organisation else Locale.nl
    t = RECEIPT[language]
    return CONTEXT[language].format(
        id=permission.id,
        kinds=", ".join(t[k.value] for k in permission.kinds),
        at=local_time(permission.conversation_at, organisation.country if organisation else ""),
        place=permission.place,
        decision=t[permission.decision].lower(),
        breach=", ".join(VIOLATION_LABELS[language][k] for k in kinds),
    )


def _check(permission: RecordingPermission, data: RecordingViolationCreate) -> None:
    if permission.decision not in WITH_CONDITIONS:
        raise InvalidState(
            f"The request was {permission.decision.replace('_', ' ')}: it has no conditions to breach. "
            "Register a recording made without permission as an incident with behaviour "
            "unauthorised_recording (POST /incidents).",
            [
                FieldError(
                    "recordingPermissionId",
                    f"decision is {permission.decision}",
                    "no-conditions",
                    location="path",
                )
            ],
        )
    errors = []
    if data.occurred_at < permission.conversation_at:
        errors.append(
            FieldError(
                "occurredAt", "must not be before the conversation (conversationAt)", "before-conversation"
            )
        )
    if data.detected_at is not None and data.detected_at < data.occurred_at:
        errors.append(FieldError("detectedAt", "must not be before occurredAt", "before-occurred"))
    if errors:
        raise Invalid("The violation is not valid.", errors)


def _incident_body(
    permission: RecordingPermission, data: RecordingViolationCreate, organisation: Organisation | None
) -> IncidentCreate:
    language = Locale(organisation.default_locale) if organisation else Locale.nl
    context = context_line(permission, [k.value for k in data.kinds], organisation)
    if data.steps:
        steps = ", ".join(STEP_LABELS[language][step.value] for step in data.steps)
        context = f"{context}\n{STEPS_INTRO[language]}: {steps}."
    description = f"{data.description}\n\n{context}" if data.description else context
    title = f"{TITLES[language]}: {permission.requester_name}"
    body: dict[str, Any] = {
        "title": title[:200],
        "description": description[:20000],
        "occurred_at": data.occurred_at,
        "detected_at": data.detected_at,
        "platform": data.platform,
        "behaviours": list(dict.fromkeys([Behaviour.unauthorised_recording, *data.behaviours])),
        "urls": data.urls,
        "affected_employees": [{"name": e["name"], "user_id": e.get("userId")} for e in permission.employees],
        "perpetrator": {
            "known": True,
            "name": permission.requester_name,
            "relation": PerpetratorRelation.citizen,
        },
    }
    if data.severity is not None:
        body["severity"] = data.severity
    return IncidentCreate.model_validate(body)


def create(
    session: Session, *, permission: RecordingPermission, data: RecordingViolationCreate, actor: Actor
) -> RecordingViolation:
    """Record a breach and open the incident that handles it (nothing is written when refused)."""
    require_writer(actor)
    _check(permission, data)
    organisation = session.get(Organisation, permission.organisation_id)
    with notification_rules.registering_violation(session):
        incident = workflow.create(session, data=_incident_body(permission, data, organisation), actor=actor)
    notification_rules.recording_violation(
        session, incident=incident, permission_id=permission.id, employees=permission.employees, actor=actor
    )
    violation = RecordingViolation(
        organisation_id=permission.organisation_id,
        recording_permission_id=permission.id,
        incident_id=incident.id,
        incident_reference=incident.reference,
        kinds=[k.value for k in data.kinds],
        occurred_at=data.occurred_at,
        detected_at=data.detected_at,
        description=data.description or "",
        urls=list(data.urls),
        steps=[step.value for step in data.steps],
        reported_by_user_id=actor.user_id,
        reported_by_client_id=actor.client_id,
    )
    session.add(violation)
    session.flush()
    audit.record(
        session,
        action="recording_permission.violation",
        organisation_id=permission.organisation_id,
        actor=actor,
        object_type="recording_permission",
        object_id=permission.id,
        details={
            "violationId": str(violation.id),
            "incidentId": str(incident.id),
            "reference": incident.reference,
            "kinds": violation.kinds,
            "steps": violation.steps,
        },
    )
    webhooks.emit_recording_violation(session, violation=violation, incident=incident)
    return violation


def list_page(
    session: Session, *, permission: RecordingPermission, cursor: str | None, limit: int
) -> tuple[list[RecordingViolation], str | None]:
    """The permission's violations, newest first; the cursor of the next page or None."""
    stmt = select(RecordingViolation).where(
        RecordingViolation.organisation_id == permission.organisation_id,
        RecordingViolation.recording_permission_id == permission.id,
    )
    if cursor:
        at, ident = pagination.decode_cursor(cursor)
        stmt = stmt.where(
            tuple_(col(RecordingViolation.created_at), col(RecordingViolation.id)) < tuple_(at, ident)
        )
    stmt = stmt.order_by(col(RecordingViolation.created_at).desc(), col(RecordingViolation.id).desc())
    rows = session.exec(stmt.limit(limit + 1)).all()
    return pagination.page_of(rows, limit, lambda v: (v.created_at, v.id))


def to_public(violation: RecordingViolation) -> RecordingViolationPublic:
    """The API view of a violation row."""
    return RecordingViolationPublic.model_validate(
        {
            **{
                name: getattr(violation, name)
                for name in [
                    "id",
                    "recording_permission_id",
                    "kinds",
                    "occurred_at",
                    "detected_at",
                    "description",
                    "urls",
                    "steps",
                    "incident_id",
                    "incident_reference",
                    "created_at",
                ]
            },
            "reported_by": actor_ref(violation.reported_by_user_id, violation.reported_by_client_id),
        }
    )
