"""What registering or changing an incident sets in motion: duties, protocol scope, repeat signal."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.auth.actor import Actor
from app.incident.models import Behaviour, Incident
from app.legal.models import IncidentHandling


def after_incident_write(session: Session, *, incident: Incident, data: Any, actor: Actor) -> None:
    """Apply the handling rules after an incident was created or updated (same transaction).

    A death threat requires a police report (and creates that action with a due date); a political
    office holder as target puts the incident outside the protocol, with an explanation; a perpetrator
    link may make the incident part of a repeat-perpetrator cluster.
    """
    from app.action import service as actions
    from app.legal import service as legal
    from app.perpetrator import service as perpetrators

    fields = set(data.model_fields_set)
    handling = session.get(IncidentHandling, incident.id)
    previous_perpetrator = handling.perpetrator_id if handling else None
    if "perpetrator_id" in fields and data.perpetrator_id is not None:
        perpetrators.check_link(
            session, organisation_id=incident.organisation_id, perpetrator_id=data.perpetrator_id
        )
    touches = {"perpetrator_id", "political_office_holder"} & fields
    if handling is None and touches:
        handling = IncidentHandling(incident_id=incident.id, organisation_id=incident.organisation_id)
        session.info.pop(legal.HANDLING_CACHE, None)
    if handling is not None:
        if "perpetrator_id" in fields:
            handling.perpetrator_id = data.perpetrator_id
        if "political_office_holder" in fields and data.political_office_holder is not None:
            handling.political_office_holder = data.political_office_holder
        session.add(handling)
    changed = False
    if handling is not None and handling.political_office_holder and "political_office_holder" in fields:
        incident.protocol_not_applicable = True
        if not incident.protocol_not_applicable_reason:
            incident.protocol_not_applicable_reason = legal.political_explanation(
                session, organisation_id=incident.organisation_id
            )
        changed = True
    if Behaviour.death_threat.value in incident.behaviours and not incident.police_report_required:
        incident.police_report_required = True
        changed = True
    if changed:
        session.add(incident)
    session.flush()
    if incident.police_report_required:
        actions.ensure_police_report(session, incident=incident, actor=actor)
    linked = handling.perpetrator_id if handling else None
    if linked != previous_perpetrator:
        # The incident count of both records changes: a change of their API views.
        for perpetrator_id in {previous_perpetrator, linked} - {None}:
            assert perpetrator_id is not None
            perpetrators.touch(session, perpetrator_id=perpetrator_id)
    if "platform" in fields:
        # A response's same-channel warning follows the incident's platform.
        actions.touch_warned(session, incident=incident)
    if {"perpetrator_id", "occurred_at"} & fields:
        for perpetrator_id in {previous_perpetrator, linked}:
            if perpetrator_id is not None:
                perpetrators.refresh_signal(
                    session,
                    perpetrator_id=perpetrator_id,
                    organisation_id=incident.organisation_id,
                    actor=actor,
                    current=incident.id,
                )
