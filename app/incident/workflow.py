"""Registering and changing an incident with what follows from it: the police-report action its
pack requires, the perpetrator's repeat signal, the people told and the webhooks.

This module sits above the incident, action, perpetrator and notification services: they do not
import it, so the incident service imports none of them (no import circle).
"""

from __future__ import annotations

import uuid

from sqlmodel import Session

from app.action import service as actions
from app.auth.actor import Actor
from app.incident import service as incidents
from app.incident.models import Incident, Status
from app.incident.schemas import IncidentCreate, IncidentUpdate
from app.notification import rules as notification_rules
from app.perpetrator import service as perpetrators
from app.webhook import service as webhooks


def create(session: Session, *, data: IncidentCreate, actor: Actor) -> Incident:
    """Register an incident (app.incident.service.create) and set its follow-ups in motion."""
    incident = incidents.create(session, data=data, actor=actor)
    _follow_up(
        session, incident=incident, fields=set(data.model_fields_set), previous=None, actor=actor, new=True
    )
    notification_rules.incident_registered(session, incident=incident, actor=actor)
    webhooks.emit_incident(session, incident=incident, event_type="incident.created")
    return incident


def update(
    session: Session, *, incident: Incident, data: IncidentUpdate, actor: Actor, if_match: str | None
) -> Incident:
    """Change an incident (app.incident.service.update) and set its follow-ups in motion."""
    previous_handler = incident.case_handler_id
    previous_perpetrator = incident.perpetrator_id
    previous_status = incident.status
    had_privacy = notification_rules.concerns_privacy(incident)
    incidents.update(session, incident=incident, data=data, actor=actor, if_match=if_match)
    fields = set(data.model_fields_set)
    _follow_up(session, incident=incident, fields=fields, previous=previous_perpetrator, actor=actor)
    if "case_handler_id" in fields:
        notification_rules.incident_assigned(
            session, incident=incident, previous=previous_handler, actor=actor
        )
    if notification_rules.concerns_privacy(incident) and not had_privacy:
        notification_rules.privacy_concerned(session, incident=incident, actor=actor)
    closed = incident.status == Status.closed.value and previous_status != Status.closed.value
    webhooks.emit_incident(
        session, incident=incident, event_type="incident.closed" if closed else "incident.updated"
    )
    return incident


def _follow_up(
    session: Session,
    *,
    incident: Incident,
    fields: set[str],
    previous: uuid.UUID | None,
    actor: Actor,
    new: bool = False,
) -> None:
    if incident.police_report_required:
        actions.ensure_police_report(session, incident=incident, actor=actor)
    linked = incident.perpetrator_id
    if linked != previous:
        # The incident count of both records changes: a change of their API views.
        for perpetrator_id in {previous, linked} - {None}:
            assert perpetrator_id is not None
            perpetrators.touch(session, perpetrator_id=perpetrator_id)
    if "platform" in fields and not new:
        # A response's same-channel warning follows the incident's platform (a new one has none).
        actions.touch_warned(session, incident=incident)
    if {"perpetrator_id", "occurred_at"} & fields:
        for perpetrator_id in {previous, linked} - {None}:
            assert perpetrator_id is not None
            perpetrators.refresh_signal(
                session,
                perpetrator_id=perpetrator_id,
                organisation_id=incident.organisation_id,
                actor=actor,
                current=incident.id,
            )
