"""Who hears what: the protocol's default recipients for each event, called in the transaction of
the change that causes the notice (a notice never exists without its change)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlmodel import Session, col, select

from app.auth.actor import Actor
from app.incident.models import Incident
from app.jobs import service as jobs
from app.notification.models import NotificationKind as K
from app.notification.models import SubjectType
from app.notification.service import notify
from app.organisation.models import Role, User

TAKEDOWN_JOB = "takedown.overdue"
# Set while a recording violation opens its incident: the employees concerned hear of the
# violation instead of the general "a report has been made".
VIOLATION = "notification.violation"
PRIVACY = "privacy"  # the classification that concerns the privacy officers


def coordinators(session: Session, organisation_id: uuid.UUID) -> list[uuid.UUID]:
    """The active case handlers (the aggression coordinators) of an organisation."""
    return _with_role(session, organisation_id, Role.case_handler)


def admins(session: Session, organisation_id: uuid.UUID) -> list[uuid.UUID]:
    """The active administrators of an organisation."""
    return _with_role(session, organisation_id, Role.admin)


def _with_role(session: Session, organisation_id: uuid.UUID, role: Role) -> list[uuid.UUID]:
    users = session.exec(
        select(User.id, User.roles).where(
            User.organisation_id == organisation_id, col(User.is_active).is_(True)
        )
    ).all()
    return sorted((user_id for user_id, roles in users if role.value in roles), key=str)


def _others(user_ids: list[uuid.UUID | None], actor: Actor) -> list[uuid.UUID]:
    """The recipients other than the person who did it (they know already)."""
    return [u for u in user_ids if u is not None and u != actor.user_id]


@contextmanager
def registering_violation(session: Session) -> Iterator[None]:
    """Mark the incident registered inside as the one of a recording violation."""
    session.info[VIOLATION] = True
    try:
        yield
    finally:
        session.info.pop(VIOLATION, None)


def incident_registered(session: Session, *, incident: Incident, actor: Actor) -> None:
    """A new incident: its case handler, else the coordinators' queue; the reporter's manager; the
    affected employees (a plain notice with the help contacts) and their managers."""
    base: dict[str, Any] = {
        "organisation_id": incident.organisation_id,
        "subject_type": SubjectType.incident,
        "subject_id": incident.id,
        "incident_id": incident.id,
    }
    if incident.case_handler_id:
        notify(session, user_ids=_others([incident.case_handler_id], actor), kind=K.incident_assigned, **base)
    else:
        notify(
            session,
            user_ids=_others(list(coordinators(session, incident.organisation_id)), actor),
            kind=K.incident_new_in_queue,
            **base,
        )
    # The reporter's manager, and the manager of each employee it concerns: a monitoring officer who
    # finds aggression against an employee informs that employee and their manager (VNG/A+O).
    affected = [uuid.UUID(str(e["userId"])) for e in incident.affected_employees if e.get("userId")]
    people = [actor.user_id, *affected] if actor.user_id else affected
    managers = session.exec(select(User.manager_id).where(col(User.id).in_(people))).all() if people else []
    chosen = sorted({m for m in managers if m is not None}, key=str)
    notify(session, user_ids=_others(list(chosen), actor), kind=K.report_registered_manager, **base)
    if not session.info.get(VIOLATION):
        notify(session, user_ids=_others(list(affected), actor), kind=K.report_registered_affected, **base)
    if concerns_privacy(incident):
        privacy_concerned(session, incident=incident, actor=actor)


def concerns_privacy(incident: Incident) -> bool:
    """Whether the classification in force includes privacy (personal data of an employee online)."""
    return PRIVACY in (incident.classification_override or incident.derived_classification or [])


def privacy_concerned(session: Session, *, incident: Incident, actor: Actor) -> None:
    """Privacy-sensitive data of an employee online: the privacy officers judge a request to the
    medium to remove them (VNG/A+O instruction, "Acties ter bescherming van de privacy")."""
    notify(
        session,
        organisation_id=incident.organisation_id,
        user_ids=_others(list(_with_role(session, incident.organisation_id, Role.privacy_officer)), actor),
        kind=K.privacy_concerned,
        subject_type=SubjectType.incident,
        subject_id=incident.id,
        incident_id=incident.id,
    )


def incident_assigned(
    session: Session, *, incident: Incident, previous: uuid.UUID | None, actor: Actor
) -> None:
    """A (new) case handler: told, unless they took it themselves."""
    if incident.case_handler_id is None or incident.case_handler_id == previous:
        return
    notify(
        session,
        organisation_id=incident.organisation_id,
        user_ids=_others([incident.case_handler_id], actor),
        kind=K.incident_assigned,
        subject_type=SubjectType.incident,
        subject_id=incident.id,
        incident_id=incident.id,
    )


def recording_violation(
    session: Session,
    *,
    incident: Incident,
    permission_id: uuid.UUID,
    employees: list[dict[str, Any]],
    actor: Actor,
) -> None:
    """A recording violation registered: the employees concerned hear of it."""
    concerned = [uuid.UUID(str(e["userId"])) for e in employees if e.get("userId")]
    notify(
        session,
        organisation_id=incident.organisation_id,
        user_ids=_others(list(concerned), actor),
        kind=K.recording_violation,
        subject_type=SubjectType.incident,
        subject_id=incident.id,
        incident_id=incident.id,
        params={"recordingPermissionId": str(permission_id)},
    )


def evidence_integrity_alert(
    session: Session,
    *,
    organisation_id: uuid.UUID,
    evidence_id: uuid.UUID,
    incident_id: uuid.UUID,
    result: str,
) -> None:
    """Verification found a stored file changed or gone: the admins hear of it."""
    notify(
        session,
        organisation_id=organisation_id,
        user_ids=admins(session, organisation_id),
        kind=K.evidence_integrity_alert,
        subject_type=SubjectType.evidence,
        subject_id=evidence_id,
        incident_id=incident_id,
        params={"result": result},
    )


def webhook_disabled(session: Session, *, organisation_id: uuid.UUID, subscription_id: uuid.UUID) -> None:
    """The delivery code disabled a subscription: the admins hear of it."""
    notify(
        session,
        organisation_id=organisation_id,
        user_ids=admins(session, organisation_id),
        kind=K.webhook_disabled,
        subject_type=SubjectType.webhook_subscription,
        subject_id=subscription_id,
    )


def schedule_takedown_check(session: Session, *, request_id: uuid.UUID, due_at: Any) -> None:
    """Look at a sent takedown request again when its answer is due."""
    jobs.enqueue(
        session,
        kind=TAKEDOWN_JOB,
        payload={"takedownRequestId": str(request_id), "dueAt": due_at.isoformat()},
        run_at=due_at,
    )


@jobs.handler(TAKEDOWN_JOB)
def takedown_overdue(session: Session, payload: dict[str, Any]) -> None:
    """No answer by the due date: the case handler (else the coordinators) and the requester hear of it."""
    from app.takedown.models import TakedownRequest, TakedownStatus

    request = session.get(TakedownRequest, uuid.UUID(payload["takedownRequestId"]))
    if request is None or request.due_at is None or request.due_at.isoformat() != payload.get("dueAt"):
        return
    if request.status != TakedownStatus.sent.value:
        return  # answered, escalated or withdrawn meanwhile
    incident = session.get(Incident, request.incident_id)
    assert incident is not None
    recipients: list[uuid.UUID | None] = [incident.case_handler_id, request.created_by_user_id]
    if incident.case_handler_id is None:
        recipients += coordinators(session, incident.organisation_id)
    notify(
        session,
        organisation_id=incident.organisation_id,
        user_ids=recipients,
        kind=K.takedown_overdue,
        subject_type=SubjectType.takedown_request,
        subject_id=request.id,
        incident_id=incident.id,
        params={
            "dueAt": request.due_at.isoformat().replace("+00:00", "Z"),
            "recipientKind": request.recipient_kind,
        },
    )


def url_back_online(session: Session, *, recheck: Any, checked_at: Any) -> None:
    """A removed URL answers again: the case handler (else the coordinators) and who set up the re-check."""
    incident = session.get(Incident, recheck.incident_id)
    assert incident is not None
    recipients: list[uuid.UUID | None] = [incident.case_handler_id, recheck.created_by_user_id]
    if incident.case_handler_id is None:
        recipients += coordinators(session, incident.organisation_id)
    notify(
        session,
        organisation_id=incident.organisation_id,
        user_ids=recipients,
        kind=K.url_back_online,
        subject_type=SubjectType.incident,
        subject_id=incident.id,
        incident_id=incident.id,
        params={"checkedAt": checked_at.isoformat().replace("+00:00", "Z")},
        message="A removed URL was reachable again at a re-check.",
    )
