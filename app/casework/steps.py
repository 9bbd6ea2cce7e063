"""Two handling steps of their own: the complaint hidden in the aggression, and the tracing of an
unknown sender by the police (after the police report) or a specialist."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from pydantic.alias_generators import to_camel
from sqlmodel import Session, col, select

from app import concurrency
from app.action.models import Action
from app.audit import service as audit
from app.auth.actor import Actor
from app.casework.models import Complaint, TracingChannel, TracingOutcome, TracingRequest
from app.casework.schemas import (
    ComplaintCreate,
    ComplaintPublic,
    ComplaintUpdate,
    TracingRequestCreate,
    TracingRequestPublic,
    TracingRequestUpdate,
)
from app.casework.service import _page, staff
from app.db import utcnow
from app.errors import FieldError, Invalid, InvalidState, NotFound
from app.incident.models import Incident

NOT_NULL = frozenset({"subject", "aggression_addressed", "agreements", "resolution", "reference", "note"})


def _author(actor: Actor) -> uuid.UUID:
    """Who recorded it (these steps are recorded by staff, like the conversation they follow)."""
    return staff(actor)


def _refuse_nulls(fields: set[str], data: Any) -> None:
    nulls = sorted(f for f in fields if f in NOT_NULL and getattr(data, f) is None)
    if nulls:
        raise Invalid(
            "Some fields cannot be cleared.",
            [FieldError(to_camel(f), "must not be null", "not_null") for f in nulls],
        )


def _audit(
    session: Session, *, action: str, row: Complaint | TracingRequest, actor: Actor, **details: Any
) -> None:
    audit.record(
        session,
        action=action,
        organisation_id=row.organisation_id,
        actor=actor,
        object_type="complaint" if isinstance(row, Complaint) else "tracing_request",
        object_id=row.id,
        details={"incidentId": str(row.incident_id), **details},
    )


def etag(row: Complaint | TracingRequest) -> str:
    """The strong ETag of the row's current version."""
    return concurrency.etag(row.version)


# --- complaints -------------------------------------------------------------------------------


def add_complaint(session: Session, *, incident: Incident, data: ComplaintCreate, actor: Actor) -> Complaint:
    """Open the complaint step."""
    now = utcnow()
    complaint = Complaint(
        organisation_id=incident.organisation_id,
        incident_id=incident.id,
        subject=data.subject,
        created_by_user_id=_author(actor),
        created_at=now,
        updated_at=now,
    )
    session.add(complaint)
    session.flush()
    _audit(session, action="complaint.create", row=complaint, actor=actor)
    return complaint


def get_complaint(session: Session, *, incident: Incident, complaint_id: uuid.UUID) -> Complaint:
    """One complaint of the incident, or NotFound."""
    complaint = session.get(Complaint, complaint_id)
    if complaint is None or complaint.incident_id != incident.id:
        raise NotFound("Complaint")
    return complaint


def list_complaints(
    session: Session, *, incident: Incident, cursor: str | None, limit: int
) -> tuple[Sequence[Complaint], str | None]:
    """The incident's complaints, oldest first."""
    return _page(
        session,
        select(Complaint).where(col(Complaint.incident_id) == incident.id),
        at=col(Complaint.created_at),
        ident=col(Complaint.id),
        cursor=cursor,
        limit=limit,
        key=lambda c: (c.created_at, c.id),
    )


def update_complaint(
    session: Session, *, complaint: Complaint, data: ComplaintUpdate, actor: Actor, if_match: str | None
) -> Complaint:
    """Record the conversation and the outcome; an outcome needs a resolution, null reopens."""
    fields = set(data.model_fields_set)
    _refuse_nulls(fields, data)
    concurrency.check_if_match(current=etag(complaint), if_match=if_match, what="the complaint")
    resolution = data.resolution if "resolution" in fields else complaint.resolution
    outcome = data.outcome if "outcome" in fields else complaint.outcome
    if outcome is not None and not (resolution or "").strip():
        raise Invalid(
            "An outcome needs a resolution: what was done about the complaint, or why not.",
            [FieldError("resolution", "required with an outcome", "required")],
        )
    for name in ("subject", "conversation_at", "aggression_addressed", "agreements", "resolution"):
        if name in fields:
            value = getattr(data, name)
            setattr(complaint, name, value.strip() if isinstance(value, str) else value)
    decided = None
    if "outcome" in fields and (data.outcome.value if data.outcome else None) != complaint.outcome:
        complaint.outcome = data.outcome.value if data.outcome else None
        complaint.decided_by_user_id = _author(actor) if data.outcome else None
        complaint.decided_at = utcnow() if data.outcome else None
        decided = complaint.outcome
    complaint.version += 1
    complaint.updated_at = utcnow()
    session.add(complaint)
    session.flush()
    _audit(
        session,
        action="complaint.decide" if decided else "complaint.update",
        row=complaint,
        actor=actor,
        fields=sorted(to_camel(f) for f in fields),
        outcome=complaint.outcome,
    )
    return complaint


def complaint_public(complaint: Complaint) -> ComplaintPublic:
    """The API view of a complaint."""
    return ComplaintPublic(
        id=complaint.id,
        incident_id=complaint.incident_id,
        subject=complaint.subject,
        conversation_at=complaint.conversation_at,
        aggression_addressed=complaint.aggression_addressed,
        agreements=complaint.agreements,
        outcome=complaint.outcome,
        resolution=complaint.resolution,
        created_by=complaint.created_by_user_id,
        created_at=complaint.created_at,
        decided_by=complaint.decided_by_user_id,
        decided_at=complaint.decided_at,
        updated_at=complaint.updated_at,
        version=complaint.version,
    )


# --- tracing an unknown sender ----------------------------------------------------------------


def sender_unknown(incident: Incident) -> bool:
    """No perpetrator recorded, or recorded as not known."""
    return not (incident.perpetrator and incident.perpetrator.get("known"))


def police_report_done(session: Session, *, incident: Incident) -> bool:
    """Whether the police report of the incident is recorded as made."""
    found = session.exec(
        select(Action.id).where(
            col(Action.incident_id) == incident.id,
            col(Action.kind) == "police_report",
            col(Action.status) == "done",
        )
    ).first()
    return found is not None


def add_tracing(
    session: Session, *, incident: Incident, data: TracingRequestCreate, actor: Actor
) -> TracingRequest:
    """Ask for the sender to be traced; the police only after the police report (seeds/001)."""
    if not sender_unknown(incident):
        raise InvalidState(
            "The sender of this incident is known; tracing is for an unknown sender.",
            [FieldError("channel", "the incident's perpetrator is known", "sender_known")],
        )
    if data.channel == TracingChannel.police and not police_report_done(session, incident=incident):
        raise InvalidState(
            "Ask the police to trace the sender after the police report is made (record it as done).",
            [FieldError("channel", "make the police report first", "police_report_first")],
        )
    now = utcnow()
    request = TracingRequest(
        organisation_id=incident.organisation_id,
        incident_id=incident.id,
        channel=data.channel.value,
        requested_at=data.requested_at or now,
        reference=data.reference.strip(),
        note=data.note.strip(),
        created_by_user_id=_author(actor),
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    session.flush()
    _audit(session, action="tracing_request.create", row=request, actor=actor, channel=request.channel)
    return request


def get_tracing(session: Session, *, incident: Incident, request_id: uuid.UUID) -> TracingRequest:
    """One tracing request of the incident, or NotFound."""
    request = session.get(TracingRequest, request_id)
    if request is None or request.incident_id != incident.id:
        raise NotFound("Tracing request")
    return request


def list_tracing(
    session: Session, *, incident: Incident, cursor: str | None, limit: int
) -> tuple[Sequence[TracingRequest], str | None]:
    """The incident's tracing requests, oldest first."""
    return _page(
        session,
        select(TracingRequest).where(col(TracingRequest.incident_id) == incident.id),
        at=col(TracingRequest.created_at),
        ident=col(TracingRequest.id),
        cursor=cursor,
        limit=limit,
        key=lambda r: (r.created_at, r.id),
    )


def update_tracing(
    session: Session,
    *,
    request: TracingRequest,
    data: TracingRequestUpdate,
    actor: Actor,
    if_match: str | None,
) -> TracingRequest:
    """Record the outcome; identified needs the name or account of the sender."""
    fields = set(data.model_fields_set)
    _refuse_nulls(fields | ({"outcome"} if "outcome" in fields else set()), data)
    concurrency.check_if_match(current=etag(request), if_match=if_match, what="the tracing request")
    outcome = data.outcome.value if data.outcome else request.outcome
    identified = (data.identified_as if "identified_as" in fields else request.identified_as) or ""
    if outcome == TracingOutcome.identified.value and not identified.strip():
        raise Invalid(
            "Say who the sender turned out to be.",
            [FieldError("identifiedAs", "required with outcome identified", "required")],
        )
    request.outcome = outcome
    request.identified_as = identified.strip() if outcome == TracingOutcome.identified.value else None
    for name in ("reference", "note"):
        if name in fields:
            setattr(request, name, str(getattr(data, name)).strip())
    request.version += 1
    request.updated_at = utcnow()
    session.add(request)
    session.flush()
    _audit(
        session,
        action="tracing_request.update",
        row=request,
        actor=actor,
        fields=sorted(to_camel(f) for f in fields),
        outcome=request.outcome,
    )
    return request


def tracing_public(request: TracingRequest) -> TracingRequestPublic:
    """The API view of a tracing request."""
    return TracingRequestPublic(
        id=request.id,
        incident_id=request.incident_id,
        channel=TracingChannel(request.channel),
        requested_at=request.requested_at,
        reference=request.reference,
        note=request.note,
        outcome=TracingOutcome(request.outcome),
        identified_as=request.identified_as,
        created_by=request.created_by_user_id,
        created_at=request.created_at,
        updated_at=request.updated_at,
        version=request.version,
    )
