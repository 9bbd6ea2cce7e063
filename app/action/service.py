"""Handling steps of incidents: create, change, list, and remind before their due dates."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic.alias_generators import to_camel
from sqlalchemy import or_, tuple_
from sqlmodel import Session, col, select

from app import concurrency, pagination
from app.action import guideline
from app.action.models import Action, ActionKind, ActionStatus, ResponseChannel
from app.action.reminders import schedule_reminder
from app.action.schemas import ActionCreate, ActionPublic, ActionUpdate, WarningCode
from app.audit import service as audit
from app.auth.actor import Actor
from app.config import get_settings
from app.db import utcnow
from app.errors import (
    FieldError,
    Forbidden,
    Invalid,
    InvalidState,
    NotFound,
)
from app.incident import service as incidents
from app.incident.models import Incident
from app.organisation.models import Role, User
from app.takedown import sanctions
from app.webhook import service as webhooks

WAIVER_ROLES = (Role.case_handler, Role.legal)


def may_waive(actor: Actor) -> None:
    """Skipping a step of the protocol is for a case handler or legal staff, in person."""
    if not (actor.kind == "user" and actor.has_role(*WAIVER_ROLES)):
        raise Forbidden("Only a case handler or legal staff may waive an action.")


# Fields that only some kinds carry, and which of them a kind needs.
KIND_FIELDS: dict[ActionKind, frozenset[str]] = {
    ActionKind.police_report: frozenset({"police_reference", "reported_at", "filed_by", "helped_by"}),
    ActionKind.response_sent: frozenset({"channel"}),
    ActionKind.offender_contact: frozenset({"channel", "police_warning"}),
    ActionKind.aftercare_offer: frozenset({"aftercare_step"}),
    ActionKind.consultation: frozenset({"consulted"}),
    ActionKind.work_environment_analysis: frozenset({"prevention_decision"}),
    ActionKind.sanction: frozenset({"suspended_service", "starts_at", "ends_at"}),
    ActionKind.contact_restriction: frozenset(
        {"restriction_form", "restriction_details", "starts_at", "ends_at"}
    ),
}
REQUIRED_ON_CREATE: dict[ActionKind, tuple[str, ...]] = {
    ActionKind.response_sent: ("channel",),
    ActionKind.sanction: ("suspended_service", "starts_at", "ends_at"),
    ActionKind.contact_restriction: ("restriction_form", "starts_at", "ends_at"),
    ActionKind.aftercare_offer: ("aftercare_step",),
}
REQUIRED_WHEN_DONE: dict[ActionKind, tuple[str, ...]] = {
    ActionKind.police_report: ("police_reference", "reported_at"),
    ActionKind.work_environment_analysis: ("prevention_decision",),
}
TYPE_FIELDS = (
    "police_reference",
    "reported_at",
    "channel",
    "suspended_service",
    "starts_at",
    "ends_at",
    "restriction_form",
    "restriction_details",
    "filed_by",
    "helped_by",
    "police_warning",
    "aftercare_step",
    "consulted",
    "prevention_decision",
)
# The column of a type field where its name differs.
COLUMNS = {"helped_by": "helped_by_user_id"}
# Response channels that are the same as the aggression's platform.
SAME_CHANNEL = {ResponseChannel.email.value: {"email"}, ResponseChannel.sms.value: {"sms"}}

TRANSITIONS: dict[ActionStatus, frozenset[ActionStatus]] = {
    ActionStatus.open: frozenset({ActionStatus.done, ActionStatus.waived}),
    ActionStatus.done: frozenset({ActionStatus.open}),
    ActionStatus.waived: frozenset({ActionStatus.open}),
}


# --- reading --------------------------------------------------------------------------------


def visible_statement(actor: Actor) -> Any:
    """Actions of incidents the actor may see."""
    return (
        select(Action)
        .join(Incident, col(Incident.id) == col(Action.incident_id))
        .where(Action.organisation_id == actor.organisation_id, incidents.visible_clause(actor))
    )


def get(session: Session, *, action_id: uuid.UUID, actor: Actor) -> Action:
    """One action of an incident the actor may see, or NotFound."""
    action = session.exec(visible_statement(actor).where(Action.id == action_id)).first()
    if action is None:
        raise NotFound("Action")
    return action  # type: ignore[no-any-return]


def warnings_for(action: Action, platform: str | None) -> list[tuple[WarningCode, str]]:
    """Non-blocking advice (code and English sentence): a response on the aggression's channel."""
    if action.kind != ActionKind.response_sent.value or action.channel is None or platform is None:
        return []
    if action.channel == ResponseChannel.same_platform.value or platform in SAME_CHANNEL.get(
        action.channel, set()
    ):
        return [
            (
                WarningCode.same_channel,
                f"same_channel: the response uses the channel of the aggression ({platform}); the "
                "protocol prefers another channel (e-mail, letter or phone).",
            )
        ]
    return []


def to_public(action: Action, *, platform: str | None) -> ActionPublic:
    """The API view of an action; platform is its incident's, for the channel warning."""
    advice = warnings_for(action, platform)
    return ActionPublic.model_validate(
        {
            **{name: getattr(action, name) for name in _DIRECT},
            "filed_by": action.filed_by or [],
            "helped_by": action.helped_by_user_id,
            "waived_by": action.waived_by_user_id,
            "warnings": [sentence for _, sentence in advice],
            "warning_codes": [code for code, _ in advice],
        }
    )


_DIRECT = [
    "id",
    "incident_id",
    "kind",
    "status",
    "description",
    "assignee_id",
    "due_at",
    "done_at",
    "outcome",
    "police_reference",
    "reported_at",
    "channel",
    "suspended_service",
    "takedown_request_id",
    "starts_at",
    "ends_at",
    "restriction_form",
    "restriction_details",
    "police_warning",
    "aftercare_step",
    "consulted",
    "prevention_decision",
    "waiver_reason",
    "waived_at",
    "version",
    "created_at",
    "updated_at",
]


def platforms(session: Session, actions: list[Action]) -> dict[uuid.UUID, str]:
    """The platform of each action's incident."""
    ids = {a.incident_id for a in actions}
    if not ids:
        return {}
    rows = session.exec(select(Incident.id, Incident.platform).where(col(Incident.id).in_(ids))).all()
    return {row[0]: row[1] for row in rows}


@dataclass(frozen=True)
class ActionFilter:
    """The list filters."""

    incident_id: uuid.UUID | None = None
    assignee_id: uuid.UUID | None = None
    due_before: datetime | None = None
    open: bool | None = None
    kinds: list[ActionKind] | None = None
    overdue: bool | None = None


def list_page(
    session: Session,
    *,
    actor: Actor,
    filters: ActionFilter,
    cursor: str | None,
    limit: int,
    sync: pagination.Sync | None = None,
) -> tuple[list[Action], str | None]:
    """One page of actions, newest first (a change feed with sync)."""
    stmt = pagination.changed_since(visible_statement(actor), sync, col(Action.updated_at))
    if filters.incident_id:
        stmt = stmt.where(Action.incident_id == filters.incident_id)
    if filters.assignee_id:
        stmt = stmt.where(Action.assignee_id == filters.assignee_id)
    if filters.due_before:
        stmt = stmt.where(col(Action.due_at) < filters.due_before)
    if filters.open is True:
        stmt = stmt.where(Action.status == ActionStatus.open.value)
    elif filters.open is False:
        stmt = stmt.where(Action.status != ActionStatus.open.value)
    if filters.kinds:
        stmt = stmt.where(col(Action.kind).in_([k.value for k in filters.kinds]))
    if filters.overdue is True:
        # Open and past its due date: what the handling protocol says should have happened by now.
        stmt = stmt.where(Action.status == ActionStatus.open.value, col(Action.due_at) < utcnow())
    elif filters.overdue is False:
        stmt = stmt.where(
            or_(
                col(Action.status) != ActionStatus.open.value,
                col(Action.due_at).is_(None),
                col(Action.due_at) >= utcnow(),
            )
        )
    if sync is not None and sync.by_update:
        return pagination.by_update_page(session, stmt, Action, cursor=cursor, limit=limit)
    if cursor:
        at, ident = pagination.decode_cursor(cursor)
        stmt = stmt.where(tuple_(col(Action.created_at), col(Action.id)) < tuple_(at, ident))
    stmt = stmt.order_by(col(Action.created_at).desc(), col(Action.id).desc()).limit(limit + 1)
    return pagination.page_of(session.exec(stmt).all(), limit, lambda a: (a.created_at, a.id))


# --- writing --------------------------------------------------------------------------------


def _check_assignee(
    session: Session, organisation_id: uuid.UUID, assignee_id: uuid.UUID | None
) -> list[FieldError]:
    if assignee_id is None:
        return []
    user = session.get(User, assignee_id)
    if user is None or user.organisation_id != organisation_id or not user.is_active:
        return [FieldError("assigneeId", "no such active user in this organisation", code="unknown_user")]
    return []


def _check_type_fields(kind: ActionKind, values: dict[str, Any], given: set[str]) -> list[FieldError]:
    errors: list[FieldError] = []
    allowed = KIND_FIELDS.get(kind, frozenset())
    for name in sorted(given - allowed):
        if name in TYPE_FIELDS and values.get(name) is not None:
            errors.append(
                FieldError(
                    to_camel(name), f"not applicable to an action of kind {kind.value}", code="not_applicable"
                )
            )
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if starts is not None and ends is not None and ends <= starts:
        errors.append(FieldError("endsAt", "must be after startsAt", code="not_after_start"))
    return errors


def _missing(
    kind: ActionKind, values: dict[str, Any], table: dict[ActionKind, tuple[str, ...]], why: str
) -> list[FieldError]:
    return [
        FieldError(to_camel(name), f"required {why} for an action of kind {kind.value}", code="required")
        for name in table.get(kind, ())
        if values.get(name) is None
    ]


def create(session: Session, *, incident: Incident, data: ActionCreate, actor: Actor) -> Action:
    """Add a handling step to the incident; schedules a reminder before its due date."""
    values = data.model_dump()
    errors = _check_assignee(session, incident.organisation_id, data.assignee_id)
    errors += _check_type_fields(data.kind, values, set(data.model_fields_set))
    errors += _missing(data.kind, values, REQUIRED_ON_CREATE, "on creation")
    errors += guideline.check(session, incident=incident, kind=data.kind, values=values)
    errors += sanctions.check_link(
        session, incident_id=incident.id, kind=data.kind.value, takedown_request_id=data.takedown_request_id
    )
    if data.due_at is not None and data.due_at < utcnow():
        errors.append(FieldError("dueAt", "must not be in the past", code="in_past"))
    if errors:
        raise Invalid("The action is not valid.", errors)
    action = _insert(session, incident=incident, kind=data.kind, actor=actor, values=values)
    return action


def _insert(
    session: Session, *, incident: Incident, kind: ActionKind, actor: Actor, values: dict[str, Any]
) -> Action:
    now = utcnow()
    action = Action(
        organisation_id=incident.organisation_id,
        incident_id=incident.id,
        kind=kind.value,
        description=values.get("description") or "",
        assignee_id=values.get("assignee_id"),
        due_at=values.get("due_at"),
        outcome=values.get("outcome"),
        takedown_request_id=values.get("takedown_request_id"),
        created_by_user_id=actor.user_id,
        created_by_client_id=actor.client_id,
        created_at=now,
        updated_at=now,
    )
    for name in TYPE_FIELDS:
        _store(action, name, values.get(name))
    if kind == ActionKind.contact_restriction and action.due_at is None:
        # A time-limited restriction is due at its end: the reminder comes before it ends.
        action.due_at = action.ends_at
    session.add(action)
    session.flush()
    audit.record(
        session,
        action="action.create",
        organisation_id=incident.organisation_id,
        actor=actor,
        object_type="action",
        object_id=action.id,
        details={"incidentId": str(incident.id), "kind": kind.value},
    )
    schedule_reminder(session, action)
    _emit(session, action, ["action.created"])
    return action


def _store(action: Action, name: str, value: Any) -> None:
    if name == "filed_by" and value is not None:
        value = guideline.filers(value)
    setattr(action, COLUMNS.get(name, name), value.value if hasattr(value, "value") else value)


def _emit(session: Session, action: Action, event_types: list[str]) -> None:
    webhooks.emit_for_incident(
        session,
        incident_id=action.incident_id,
        event_type=event_types,
        data={
            "actionId": str(action.id),
            "kind": action.kind,
            "status": action.status,
            "dueAt": action.due_at.isoformat() if action.due_at else None,
        },
    )


def ensure_police_report(session: Session, *, incident: Incident, actor: Actor) -> Action | None:
    """Create the police-report step of an incident that requires one, unless it exists already."""
    existing = session.exec(
        select(Action.id).where(
            Action.incident_id == incident.id, Action.kind == ActionKind.police_report.value
        )
    ).first()
    if existing is not None:
        return None
    due = utcnow() + timedelta(hours=get_settings().police_report_due_hours)
    return _insert(
        session,
        incident=incident,
        kind=ActionKind.police_report,
        actor=actor,
        values={
            "description": "",  # the kind is the title; the UI explains it in the user's language
            "assignee_id": incident.case_handler_id,
            "due_at": due,
        },
    )


def touch_warned(session: Session, *, incident: Incident) -> None:
    """The incident's platform changed: responses whose channel warning depends on it are changed."""
    rows = session.exec(
        select(Action).where(
            Action.incident_id == incident.id,
            Action.kind == ActionKind.response_sent.value,
            col(Action.channel).is_not(None),
        )
    ).all()
    now = utcnow()
    for action in rows:
        action.version += 1
        action.updated_at = now
        session.add(action)


def etag(action: Action) -> str:
    """The strong ETag of the action's version."""
    return concurrency.etag(action.version)


NOT_NULL = frozenset({"description", "status"})


def update(
    session: Session, *, action: Action, data: ActionUpdate, actor: Actor, if_match: str | None
) -> Action:
    """Change an action: assignee, due date, type fields, done or waived; with optimistic locking."""
    fields = set(data.model_fields_set)
    nulls = sorted(f for f in fields & NOT_NULL if getattr(data, f) is None)
    if nulls:
        raise Invalid(
            "Some fields cannot be cleared.",
            [FieldError(to_camel(f), "must not be null", code="not_nullable") for f in nulls],
        )
    concurrency.check_if_match(current=etag(action), if_match=if_match, what="the action")
    kind = ActionKind(action.kind)
    current = ActionStatus(action.status)
    target = data.status if "status" in fields and data.status is not None else current
    merged = {name: getattr(action, COLUMNS.get(name, name)) for name in (*TYPE_FIELDS, "done_at")}
    merged.update({name: getattr(data, name) for name in fields if name in merged})
    errors = _check_assignee(
        session, action.organisation_id, data.assignee_id if "assignee_id" in fields else None
    )
    errors += _check_type_fields(kind, merged, fields)
    if (
        "due_at" in fields
        and data.due_at is not None
        and data.due_at < utcnow()
        and data.due_at != action.due_at
    ):
        errors.append(FieldError("dueAt", "must not be in the past", code="in_past"))
    if "waiver_reason" in fields and target != ActionStatus.waived:
        errors.append(FieldError("waiverReason", "only together with status waived", code="only_when_waived"))
    if target == ActionStatus.waived and target != current and not data.waiver_reason:
        errors.append(FieldError("waiverReason", "required to waive an action", code="required"))
    if "done_at" in fields and target != ActionStatus.done:
        errors.append(FieldError("doneAt", "only together with status done", code="only_when_done"))
    if target == ActionStatus.done:
        errors += _missing(kind, merged, REQUIRED_WHEN_DONE, "to mark it done")
    incident = session.get(Incident, action.incident_id)
    assert incident is not None
    dumped = data.model_dump(include=fields)
    given = {name: dumped[name] for name in fields if name in merged}
    if "assignee_id" in fields:
        given["assignee_id"] = data.assignee_id
    errors += guideline.check(session, incident=incident, kind=kind, values=given)
    if target == ActionStatus.done:
        errors += guideline.missing_when_done(session, incident=incident, kind=kind, values=merged)
    if errors:
        raise Invalid("The change is not valid.", errors)
    transition = None
    if target != current:
        if target not in TRANSITIONS[current]:
            allowed = ", ".join(sorted(TRANSITIONS[current]))
            raise InvalidState(
                f"An action cannot go from {current.value} to {target.value}; allowed: {allowed}.",
                [FieldError("status", f"allowed from {current.value}: {allowed}", code="not_allowed_now")],
            )
        if target == ActionStatus.waived:
            may_waive(actor)
        transition = f"{current.value}->{target.value}"
        _apply_status(action, target, data, actor)
    # A restriction due at its end stays due at its end when the end moves.
    follows_end = (
        kind == ActionKind.contact_restriction
        and "ends_at" in fields
        and "due_at" not in fields
        and action.due_at == action.ends_at
    )
    for name in ("description", "assignee_id", "due_at", "outcome", *TYPE_FIELDS):
        if name in fields:
            _store(action, name, given[name] if name in given else getattr(data, name))
    if follows_end:
        action.due_at = action.ends_at
    action.version += 1
    action.updated_at = utcnow()
    session.add(action)
    session.flush()
    details: dict[str, Any] = {
        "incidentId": str(action.incident_id),
        "fields": sorted(to_camel(f) for f in fields),
    }
    if transition:
        details["status"] = transition
    if target == ActionStatus.waived and transition:
        details["waiverReason"] = action.waiver_reason
    audit.record(
        session,
        action="action.waive" if target == ActionStatus.waived and transition else "action.update",
        organisation_id=action.organisation_id,
        actor=actor,
        object_type="action",
        object_id=action.id,
        details=details,
    )
    if "due_at" in fields or follows_end or (transition and target == ActionStatus.open):
        schedule_reminder(session, action)
    done = bool(transition) and target == ActionStatus.done
    _emit(session, action, ["action.updated", "action.done"] if done else ["action.updated"])
    return action


def _apply_status(action: Action, target: ActionStatus, data: ActionUpdate, actor: Actor) -> None:
    action.status = target.value
    if target == ActionStatus.done:
        action.done_at = data.done_at or utcnow()
    elif target == ActionStatus.waived:
        action.waiver_reason = data.waiver_reason
        action.waived_by_user_id = actor.user_id
        action.waived_at = utcnow()
    else:
        action.done_at = action.waiver_reason = action.waived_by_user_id = action.waived_at = None
