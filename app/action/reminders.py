"""Reminders before actions fall due and when they are overdue, as notices (and mails) to people.

A reminder job runs some hours before the due date; it plans the overdue check at the due date.
The police-report step of a death threat is announced as the police-report deadline.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from app.action.models import Action, ActionKind, ActionStatus
from app.audit import service as audit
from app.config import get_settings
from app.db import utcnow
from app.incident.models import Incident
from app.jobs import service as jobs
from app.notification import service as notifications
from app.notification.models import NotificationKind, SubjectType
from app.organisation.models import Role, User
from app.webhook import service as webhooks

REMINDER_JOB = "action.reminder"
OVERDUE_JOB = "action.overdue"


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
    return sorted((u.id for u in users if Role.case_handler.value in u.roles), key=str)


def _current(session: Session, payload: dict[str, Any]) -> tuple[Action, Incident] | None:
    """The open action of the job, unless it was done, waived or rescheduled since."""
    action = session.get(Action, uuid.UUID(payload["actionId"]))
    if action is None or action.status != ActionStatus.open.value or action.due_at is None:
        return None
    if action.due_at.isoformat() != payload.get("dueAt"):
        return None  # rescheduled: the job of the new due date reminds
    incident = session.get(Incident, action.incident_id)
    assert incident is not None
    return action, incident


def _responsible(session: Session, action: Action, incident: Incident) -> list[uuid.UUID]:
    """The assignee, else the case handler, else every coordinator."""
    if action.assignee_id:
        return [action.assignee_id]
    if incident.case_handler_id:
        return [incident.case_handler_id]
    return handlers_of(session, action.organisation_id)


def _params(action: Action) -> dict[str, str]:
    due = action.due_at.isoformat().replace("+00:00", "Z") if action.due_at else ""
    return {"actionKind": action.kind, "dueAt": due}


@jobs.handler(REMINDER_JOB)
def send_reminder(session: Session, payload: dict[str, Any]) -> None:
    """Remind the responsible person of an open action; the police report also the coordinators."""
    found = _current(session, payload)
    if found is None:
        return
    action, incident = found
    recipients = _responsible(session, action, incident)
    kind = NotificationKind.action_due
    if action.kind == ActionKind.police_report.value and incident.police_report_required:
        kind = NotificationKind.police_report_deadline
        recipients += handlers_of(session, action.organisation_id)
    message = f"Action {action.kind} of incident {incident.reference} is due at {_params(action)['dueAt']}."
    notifications.notify(
        session,
        organisation_id=action.organisation_id,
        user_ids=recipients,
        kind=kind,
        subject_type=SubjectType.action,
        subject_id=action.id,
        incident_id=incident.id,
        params=_params(action),
        message=message,
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
    assert action.due_at is not None
    jobs.enqueue(session, kind=OVERDUE_JOB, payload=dict(payload), run_at=max(utcnow(), action.due_at))


@jobs.handler(OVERDUE_JOB)
def send_overdue(session: Session, payload: dict[str, Any]) -> None:
    """An action still open at its due date: the responsible person and the coordinators hear of it."""
    found = _current(session, payload)
    if found is None:
        return
    action, incident = found
    recipients = _responsible(session, action, incident) + handlers_of(session, action.organisation_id)
    notifications.notify(
        session,
        organisation_id=action.organisation_id,
        user_ids=recipients,
        kind=NotificationKind.action_overdue,
        subject_type=SubjectType.action,
        subject_id=action.id,
        incident_id=incident.id,
        params=_params(action),
        message=f"Action {action.kind} of incident {incident.reference} is overdue.",
    )
    audit.record(
        session,
        action="action.overdue",
        organisation_id=action.organisation_id,
        object_type="action",
        object_id=action.id,
        details={"incidentId": str(incident.id), "recipients": [str(r) for r in dict.fromkeys(recipients)]},
    )
