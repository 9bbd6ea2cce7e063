"""Registering, finding and deciding recording permissions, within the caller's organisation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic.alias_generators import to_camel
from sqlalchemy import and_, exists, or_, tuple_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app import concurrency, pagination
from app.audit import service as audit
from app.auth.actor import Actor, Scope
from app.db import utcnow
from app.errors import FieldError, Forbidden, Invalid, NotFound
from app.organisation.models import Role, User
from app.recording_permission import rules
from app.recording_permission.models import (
    Decision,
    RecordingKind,
    RecordingPermission,
    RecordingPermissionPerson,
    RefusalGround,
)
from app.recording_permission.schemas import (
    ConcernedEmployee,
    RecordingPermissionCreate,
    RecordingPermissionUpdate,
    employees_of,
)

# Roles that see every recording permission of their organisation.
ALL_ACCESS_ROLES = frozenset({Role.case_handler, Role.privacy_officer, Role.legal, Role.admin})
# Every staff role may register a request at the front desk; auditors only read logs.
REGISTRAR_ROLES = (
    Role.employee,
    Role.manager,
    Role.case_handler,
    Role.privacy_officer,
    Role.legal,
    Role.admin,
)
KIND_COLUMNS = {
    RecordingKind.audio: "kind_audio",
    RecordingKind.photo: "kind_photo",
    RecordingKind.video: "kind_video",
}


# --- visibility ---------------------------------------------------------------------------


def visible_statement(actor: Actor) -> SelectOfScalar[RecordingPermission]:
    """Permissions the actor may see: their organisation's, narrowed by need-to-know."""
    stmt = select(RecordingPermission).where(RecordingPermission.organisation_id == actor.organisation_id)
    if actor.kind == "apiClient":
        if not (
            actor.has_scope(Scope.recording_permissions_read)
            or actor.has_scope(Scope.recording_permissions_write)
        ):
            raise Forbidden("This API client lacks the scope recording-permissions:read.")
        return stmt
    if actor.has_role(*ALL_ACCESS_ROLES):
        return stmt
    assert actor.user_id is not None
    return stmt.where(
        or_(
            col(RecordingPermission.registered_by_user_id) == actor.user_id,
            exists().where(
                and_(
                    col(RecordingPermissionPerson.recording_permission_id) == col(RecordingPermission.id),
                    col(RecordingPermissionPerson.user_id) == actor.user_id,
                )
            ),
        )
    )


def get(session: Session, *, recording_permission_id: uuid.UUID, actor: Actor) -> RecordingPermission:
    """One permission the actor may see, or NotFound (unknown, foreign or outside need-to-know)."""
    found = session.exec(
        visible_statement(actor).where(col(RecordingPermission.id) == recording_permission_id)
    ).first()
    if found is None:
        raise NotFound("Recording permission")
    return found


def require_writer(actor: Actor) -> None:
    """Refuse callers that may only read: API clients without the write scope, auditors."""
    if actor.kind == "apiClient":
        if not actor.has_scope(Scope.recording_permissions_write):
            raise Forbidden("This API client lacks the scope recording-permissions:write.")
    elif not actor.has_role(*REGISTRAR_ROLES):
        raise Forbidden("Auditors cannot register or change recording permissions.")


# --- lists ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PermissionFilter:
    """The list filters, as the query keys give them."""

    decision: list[Decision] | None = None
    kind: list[RecordingKind] | None = None
    public_space: bool | None = None
    conversation_from: datetime | None = None
    conversation_to: datetime | None = None
    q: str | None = None


def list_page(
    session: Session,
    *,
    actor: Actor,
    filters: PermissionFilter,
    cursor: str | None,
    limit: int,
    sync: pagination.Sync | None = None,
) -> tuple[list[RecordingPermission], str | None]:
    """One page, newest registration first (a change feed with sync); the next cursor or None."""
    stmt = pagination.changed_since(visible_statement(actor), sync, col(RecordingPermission.updated_at))
    if filters.decision:
        stmt = stmt.where(col(RecordingPermission.decision).in_([d.value for d in filters.decision]))
    if filters.kind:
        stmt = stmt.where(
            or_(*(getattr(RecordingPermission, KIND_COLUMNS[k]).is_(True) for k in filters.kind))
        )
    if filters.public_space is not None:
        stmt = stmt.where(col(RecordingPermission.public_space).is_(filters.public_space))
    if filters.conversation_from:
        stmt = stmt.where(col(RecordingPermission.conversation_at) >= filters.conversation_from)
    if filters.conversation_to:
        stmt = stmt.where(col(RecordingPermission.conversation_at) < filters.conversation_to)
    if filters.q:
        stmt = stmt.where(
            col(RecordingPermission.search_text).like(pagination.like_pattern(filters.q), escape="\\")
        )
    if sync is not None and sync.by_update:
        return pagination.by_update_page(session, stmt, RecordingPermission, cursor=cursor, limit=limit)
    if cursor:
        at, ident = pagination.decode_cursor(cursor)
        stmt = stmt.where(
            tuple_(col(RecordingPermission.created_at), col(RecordingPermission.id)) < tuple_(at, ident)
        )
    stmt = stmt.order_by(
        col(RecordingPermission.created_at).desc(), col(RecordingPermission.id).desc()
    ).limit(limit + 1)
    return pagination.page_of(session.exec(stmt).all(), limit, lambda p: (p.created_at, p.id))


# --- writes ---------------------------------------------------------------------------------


def _state(permission: RecordingPermission) -> rules.RequestState:
    return rules.RequestState(
        conversation_at=permission.conversation_at,
        public_space=permission.public_space,
        kinds=permission.kinds,
        employees=employees_of(permission),
        decision=Decision(permission.decision),
        reason=permission.reason,
        refusal_ground=RefusalGround(permission.refusal_ground) if permission.refusal_ground else None,
        alternative=permission.alternative,
        conditions_accepted=permission.conditions_accepted,
    )


def _user_errors(
    session: Session, *, organisation_id: uuid.UUID, employees: list[ConcernedEmployee]
) -> list[FieldError]:
    errors = []
    for index, employee in enumerate(employees):
        if employee.user_id is None:
            continue
        user = session.get(User, employee.user_id)
        if user is None or user.organisation_id != organisation_id:
            errors.append(
                FieldError(f"employees/{index}/userId", "no such user in this organisation", "unknown-user")
            )
    return errors


def _apply(permission: RecordingPermission, state: rules.RequestState) -> None:
    permission.conversation_at = state.conversation_at
    permission.public_space = state.public_space
    for kind, column in KIND_COLUMNS.items():
        setattr(permission, column, kind in state.kinds)
    permission.employees = [
        e.model_dump(mode="json", by_alias=True, exclude_none=True) for e in state.employees
    ]
    permission.decision = state.decision.value
    permission.reason = state.reason
    permission.refusal_ground = state.refusal_ground.value if state.refusal_ground else None
    permission.alternative = state.alternative
    permission.conditions_accepted = state.conditions_accepted
    permission.search_text = " ".join(
        p
        for p in (
            permission.requester_name,
            permission.requester_contact,
            permission.place,
            permission.context,
        )
        if p
    ).lower()[:3000]


def _record_decision(permission: RecordingPermission, actor: Actor) -> None:
    if permission.decision == Decision.pending.value:
        permission.decided_at = None
        permission.decided_by_user_id = permission.decided_by_client_id = None
        return
    permission.decided_at = utcnow()
    permission.decided_by_user_id = actor.user_id
    permission.decided_by_client_id = actor.client_id


def _sync_people(session: Session, permission: RecordingPermission) -> None:
    for row in session.exec(
        select(RecordingPermissionPerson).where(
            RecordingPermissionPerson.recording_permission_id == permission.id
        )
    ).all():
        session.delete(row)
    session.flush()
    for user_id in {e["userId"] for e in permission.employees if e.get("userId")}:
        session.add(
            RecordingPermissionPerson(recording_permission_id=permission.id, user_id=uuid.UUID(user_id))
        )


def create(session: Session, *, data: RecordingPermissionCreate, actor: Actor) -> RecordingPermission:
    """Register a request, with its decision when already taken (decided by/at set here)."""
    require_writer(actor)
    now = utcnow()
    state = rules.RequestState(
        conversation_at=data.conversation_at,
        public_space=data.public_space,
        kinds=data.kinds,
        employees=data.employees,
        decision=data.decision,
        reason=data.reason,
        refusal_ground=data.refusal_ground,
        alternative=data.alternative,
        conditions_accepted=data.conditions_accepted,
    )
    errors = _user_errors(session, organisation_id=actor.organisation_id, employees=data.employees)
    errors += rules.check(state, now=now)
    if errors:
        raise Invalid("The recording permission is not valid.", errors)
    permission = RecordingPermission(
        organisation_id=actor.organisation_id,
        requester_name=data.requester.name.strip(),
        requester_contact=data.requester.contact,
        conversation_at=data.conversation_at,
        place=data.place.strip(),
        context=data.context or "",
        registered_by_user_id=actor.user_id,
        registered_by_client_id=actor.client_id,
        created_at=now,
        updated_at=now,
    )
    _apply(permission, state)
    _record_decision(permission, actor)
    session.add(permission)
    session.flush()
    _sync_people(session, permission)
    audit.record(
        session,
        action="recording_permission.create",
        organisation_id=actor.organisation_id,
        actor=actor,
        object_type="recording_permission",
        object_id=permission.id,
        details={"decision": permission.decision, "kinds": [k.value for k in permission.kinds]},
    )
    return permission


def etag(permission: RecordingPermission) -> str:
    """The strong ETag of the permission's current version."""
    return concurrency.etag(permission.version)


NOT_NULL = frozenset(
    {
        "requester",
        "conversation_at",
        "place",
        "public_space",
        "kinds",
        "employees",
        "decision",
        "conditions_accepted",
    }
)
DECISION_FIELDS = frozenset({"decision", "reason", "refusal_ground", "alternative"})


def update(
    session: Session,
    *,
    permission: RecordingPermission,
    data: RecordingPermissionUpdate,
    actor: Actor,
    if_match: str | None,
) -> RecordingPermission:
    """Apply a merge patch and check the rules on the result; a new decision is re-stamped."""
    require_writer(actor)
    fields = set(data.model_fields_set)
    nulls = sorted(f for f in fields if f in NOT_NULL and getattr(data, f) is None)
    if nulls:
        raise Invalid(
            "Some fields cannot be cleared.",
            [FieldError(to_camel(f), "must not be null", "not-null") for f in nulls],
        )
    concurrency.check_if_match(current=etag(permission), if_match=if_match, what="the recording permission")
    current = _state(permission)
    merged = rules.RequestState(
        **{
            name: getattr(data, name) if name in fields else getattr(current, name)
            for name in rules.RequestState.__dataclass_fields__
        }
    )
    errors = _user_errors(session, organisation_id=permission.organisation_id, employees=merged.employees)
    errors += rules.check(merged, now=utcnow())
    if errors:
        raise Invalid("The change is not valid.", errors)
    before = permission.decision
    if "requester" in fields and data.requester is not None:
        permission.requester_name = data.requester.name.strip()
        permission.requester_contact = data.requester.contact
    if "place" in fields and data.place is not None:
        permission.place = data.place.strip()
    if "context" in fields:
        permission.context = data.context or ""
    _apply(permission, merged)
    changed_decision = any(getattr(current, name) != getattr(merged, name) for name in DECISION_FIELDS)
    if changed_decision:
        _record_decision(permission, actor)
    permission.version += 1
    permission.updated_at = utcnow()
    session.add(permission)
    session.flush()
    if "employees" in fields:
        _sync_people(session, permission)
    details: dict[str, Any] = {"fields": sorted(to_camel(f) for f in fields)}
    if before != permission.decision:
        details["decision"] = f"{before}->{permission.decision}"
    audit.record(
        session,
        action="recording_permission.decide" if changed_decision else "recording_permission.update",
        organisation_id=permission.organisation_id,
        actor=actor,
        object_type="recording_permission",
        object_id=permission.id,
        details=details,
    )
    return permission
