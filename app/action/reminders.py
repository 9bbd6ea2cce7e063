"""Reminders before actions fall due, and the notifications they (and other signals) raise.

There is no e-mail delivery yet: a notification is a row in handling_notification plus an audit event.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from app.action.models import Action, ActionStatus, HandlingNotification
from app.audit import service as audit
from app.config import get_settings
from app.db import utcnow
from app.incident.models import Incident
from app.jobs import service as jobs
from app.organisation.models import Role, User
from app.webhook import service as webhooks

REMINDER_JOB = "action.reminder"


def schedule_reminder(session: Session, action: Action) -> None:
    """Queue a reminder some hours before the due date (at once if that moment has passed)."""
    if action.due_at is None or action.status != ActionStatus.open.value:
        return
    lead = timedelta(hours=get_settings().action_reminder_hours)
    jobs.enqueue(
        session,
        kind=REMINDER_JOB,
        payload={"actionId": str(action.id), "dueAt": action.due_at.isoformat()},
        run_at=max(utcnow(), action.due_at - lead),
    )


def handlers_of(session: Session, organisation_id: uuid.UUID) -> list[uuid.UUID]:
    """The active case handlers (coordinators) of an organisation."""
    users = session.exec(
        select(User).where(User.organisation_id == organisation_id, col(User.is_active).is_(True))
    ).all()
    return [u.id for u in users if Role.case_handler.value in u.roles]


def notify(
    session: Session,
    *,
    organisation_id: uuid.UUID,
    user_ids: list[uuid.UUID],
    kind: str,
    message: str,
    incident_id: uuid.UUID | None = None,
    object_type: str | None = None,
    object_id: uuid.UUID | None = None,
) -> list[HandlingNotification]:
    """Store one notification per user (there is no e-mail delivery yet)."""
    rows = [
        HandlingNotification(
            organisation_id=organisation_id,
            user_id=user_id,
            kind=kind,
            incident_id=incident_id,
            object_type=object_type,
            object_id=str(object_id) if object_id else None,
            message=message[:1000],
        )
        for user_id in dict.fromkeys(user_ids)
    ]
    session.add_all(rows)
    session.flush()
    return rows


@jobs.handler(REMINDER_JOB)
def send_reminder(session: Session, payload: dict[str, Any]) -> None:
    """Remind the assignee (else the case handler, else every coordinator) of an open action."""
    action = session.get(Action, uuid.UUID(payload["actionId"]))
    if action is None or action.status != ActionStatus.open.value or action.due_at is None:
        return
    if action.due_at.isoformat() != payload.get("dueAt"):
        return  # rescheduled: the job of the new due date reminds
    incident = session.get(Incident, action.incident_id)
    assert incident is not None
    recipients = [action.assignee_id] if action.assignee_id else []
    if not recipients and incident.case_handler_id:
        recipients = [incident.case_handler_id]
    if not recipients:
        recipients = handlers_of(session, action.organisation_id)
    message = (
        f"Action {action.kind} of incident {incident.reference} is due at "
        f"{action.due_at.isoformat().replace('+00:00', 'Z')}."
    )
    notify(
        session,
        organisation_id=action.organisation_id,
        user_ids=recipients,
        kind="action.reminder",
        message=message,
        incident_id=incident.id,
        object_type="action",
        object_id=action.id,
    )
    audit.record(
        session,
        action="action.reminder",
        organisation_id=action.organisation_id,
        object_type="action",
        object_id=action.id,
        details={"incidentId": str(incident.id), "recipients": [str(r) for r in dict.fromkeys(recipients)]},
    )
    webhooks.emit_for_incident(
        session,
        incident_id=incident.id,
        event_type="action.due",
        data={"actionId": str(action.id), "kind": action.kind, "dueAt": payload.get("dueAt")},
    )
