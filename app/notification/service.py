"""The inbox: one notify() entry point, the caller's notices (need-to-know), read state, preferences."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace
from typing import Any, cast

from sqlalchemy import and_, func, insert, or_, tuple_, update
from sqlmodel import Session, col, select

from app import pagination
from app.audit import service as audit
from app.auth.actor import HANDLER_ROLES, Actor
from app.db import new_id, utcnow
from app.errors import FieldError, Forbidden, Invalid, NotFound
from app.incident import service as incidents
from app.incident.models import Incident
from app.notification import mail
from app.notification.models import (
    MANDATORY,
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
    SubjectType,
)
from app.notification.schemas import NotificationPublic, NotificationSubject, PreferenceItem
from app.organisation.models import Organisation, Role, User


def actor_of(user: User) -> Actor:
    """The user as an actor, to apply need-to-know to them outside a request."""
    return Actor(
        kind="user",
        organisation_id=user.organisation_id,
        label=user.email,
        user_id=user.id,
        roles=frozenset(Role(r) for r in user.roles if r in Role.__members__),
    )


def may_see_incident(session: Session, *, user: User, incident_id: uuid.UUID) -> bool:
    """Whether the user may see the incident (need-to-know)."""
    stmt = incidents.visible_statement(actor_of(user)).where(col(Incident.id) == incident_id)
    return session.exec(stmt).first() is not None


# Users whose need-to-know one query checks.
VISIBILITY_BATCH = 500


def who_may_see_incident(session: Session, *, users: list[User], incident_id: uuid.UUID) -> set[uuid.UUID]:
    """Which of these users may see the incident (need-to-know): may_see_incident for many users
    in one query per set of roles (the rule depends on the roles and the user's id).

    The need-to-know condition is built once per set of roles with the user's id as a column of
    the joined user row instead of a value, so that one statement checks every user of that set.
    """
    by_roles: dict[frozenset[str], list[User]] = {}
    for user in users:
        by_roles.setdefault(frozenset(user.roles), []).append(user)
    visible: set[uuid.UUID] = set()
    for group in by_roles.values():
        as_column = replace(actor_of(group[0]), user_id=cast(uuid.UUID, col(User.id)))
        for start in range(0, len(group), VISIBILITY_BATCH):
            ids = [u.id for u in group[start : start + VISIBILITY_BATCH]]
            stmt = (
                select(User.id)
                .join(Incident, col(Incident.id) == incident_id)
                .where(col(User.id).in_(ids), incidents.need_to_know(as_column))
            )
            visible.update(session.exec(stmt).all())
    return visible


def visible_ids(session: Session, *, user: User, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these notices the user may still see."""
    actor = actor_of(user)
    stmt = (
        select(Notification.id)
        .outerjoin(Incident, col(Incident.id) == col(Notification.incident_id))
        .where(col(Notification.id).in_(ids), _visible(actor))
    )
    return set(session.exec(stmt).all())


def delivery_of(session: Session, *, user_id: uuid.UUID, kind: NotificationKind) -> Delivery:
    """How notices of this kind reach the user by mail (mandatory kinds: always at once)."""
    if kind in MANDATORY:
        return Delivery.immediately
    chosen = session.get(NotificationPreference, (user_id, kind.value))
    return Delivery(chosen.delivery) if chosen else Delivery.immediately


def deliveries_of(
    session: Session, *, user_ids: list[uuid.UUID], kind: NotificationKind
) -> dict[uuid.UUID, Delivery]:
    """delivery_of for several users in one query."""
    if kind in MANDATORY or not user_ids:
        return dict.fromkeys(user_ids, Delivery.immediately)
    chosen = session.exec(
        select(NotificationPreference).where(
            col(NotificationPreference.user_id).in_(user_ids), NotificationPreference.kind == kind.value
        )
    ).all()
    deliveries = dict.fromkeys(user_ids, Delivery.immediately)
    deliveries.update({row.user_id: Delivery(row.delivery) for row in chosen})
    return deliveries


def notify(
    session: Session,
    *,
    organisation_id: uuid.UUID,
    user_ids: Iterable[uuid.UUID | None],
    kind: NotificationKind,
    subject_type: SubjectType,
    subject_id: uuid.UUID,
    incident_id: uuid.UUID | None = None,
    params: dict[str, str] | None = None,
    message: str = "",
) -> list[uuid.UUID]:
    """Store one notice per active user of the organisation and queue their mails (same transaction);
    the notices' ids.

    Nothing is sent here: mails wait in the outbox until the job runner sends them.
    """
    wanted = [u for u in dict.fromkeys(user_ids) if u is not None]
    if not wanted:
        return []
    users = session.exec(
        select(User).where(
            col(User.id).in_(wanted),
            User.organisation_id == organisation_id,
            col(User.is_active).is_(True),
        )
    ).all()
    recipients = sorted(users, key=lambda u: str(u.id))
    if incident_id is not None:
        # need-to-know: no notice (and no mail) about what the user may not see
        seeing = who_may_see_incident(session, users=recipients, incident_id=incident_id)
        recipients = [u for u in recipients if u.id in seeing]
    if not recipients:
        return []
    deliveries = deliveries_of(session, user_ids=[u.id for u in recipients], kind=kind)
    rows: list[dict[str, Any]] = [
        {
            "id": new_id(),
            "organisation_id": organisation_id,
            "user_id": user.id,
            "kind": kind.value,
            "incident_id": incident_id,
            "object_type": subject_type.value,
            "object_id": str(subject_id),
            "message": (message or kind.value)[:1000],
            "params": dict(params or {}),
            "delivery": deliveries[user.id].value,
            "created_at": utcnow(),
        }
        for user in recipients
    ]
    # One multi-row INSERT instead of an ORM object and a flush per notice (a new incident tells
    # every case handler); what the notices refer to (the new incident) is flushed first.
    session.flush()
    session.execute(insert(Notification), rows)
    # Held while the mails are queued: each looks up the recipient's organisation (its language),
    # which the session's identity map then answers instead of the database.
    organisation = session.get(Organisation, organisation_id)
    mailing = mail.enabled()
    for user, row in zip(recipients, rows, strict=True):
        delivery = deliveries[user.id]
        if delivery is Delivery.immediately and mailing:
            mail.queue_notice(session, user=user, note=Notification(**row))  # transient: its fields
        elif delivery is Delivery.daily_digest:
            mail.schedule_digest(session, user=user)
    session.flush()
    del organisation
    return [row["id"] for row in rows]


# --- the inbox --------------------------------------------------------------------------------


def _subject_types_without_incident(actor: Actor) -> list[str]:
    """The kinds of object outside an incident that the caller may still see."""
    types = []
    if actor.has_role(Role.admin):
        types.append(SubjectType.webhook_subscription.value)
    if actor.has_role(*HANDLER_ROLES, Role.manager):
        types.append(SubjectType.perpetrator.value)
    types.append(SubjectType.recording_permission.value)
    return types


def _visible(actor: Actor) -> Any:
    """A notice is listed while its recipient may see its object (need-to-know, on every read)."""
    about_incident = and_(col(Notification.incident_id).is_not(None), incidents.visible_clause(actor))
    outside = and_(
        col(Notification.incident_id).is_(None),
        col(Notification.object_type).in_(_subject_types_without_incident(actor)),
    )
    return or_(about_incident, outside)


def own_user_id(actor: Actor) -> uuid.UUID:
    """The caller's user id; API clients have no inbox (403)."""
    if actor.user_id is None:
        raise Forbidden("API clients have no inbox.")
    return actor.user_id


def _own(actor: Actor) -> Any:
    if actor.user_id is None:
        raise Forbidden("API clients have no inbox.")
    return and_(
        col(Notification.user_id) == actor.user_id, col(Notification.organisation_id) == actor.organisation_id
    )


def _base(actor: Actor) -> Any:
    return (
        select(Notification, Incident.reference)
        .outerjoin(Incident, col(Incident.id) == col(Notification.incident_id))
        .where(_own(actor), _visible(actor))
    )


def list_page(
    session: Session, *, actor: Actor, unread: bool | None, cursor: str | None, limit: int
) -> tuple[list[tuple[Notification, str | None]], str | None, int]:
    """One page of the caller's visible notices, newest first; the next cursor; the unread count."""
    stmt = _base(actor)
    if unread is True:
        stmt = stmt.where(col(Notification.read_at).is_(None))
    elif unread is False:
        stmt = stmt.where(col(Notification.read_at).is_not(None))
    if cursor:
        at, ident = pagination.decode_cursor(cursor)
        stmt = stmt.where(tuple_(col(Notification.created_at), col(Notification.id)) < tuple_(at, ident))
    stmt = stmt.order_by(col(Notification.created_at).desc(), col(Notification.id).desc()).limit(limit + 1)
    rows = [(note, reference) for note, reference in session.exec(stmt).all()]
    items, next_cursor = pagination.page_of(rows, limit, lambda r: (r[0].created_at, r[0].id))
    return items, next_cursor, unread_count(session, actor=actor)


def unread_count(session: Session, *, actor: Actor) -> int:
    """How many of the caller's visible notices are unread."""
    stmt = (
        select(func.count())
        .select_from(Notification)
        .outerjoin(Incident, col(Incident.id) == col(Notification.incident_id))
        .where(_own(actor), _visible(actor), col(Notification.read_at).is_(None))
    )
    return int(session.exec(stmt).one())


def get(session: Session, *, notification_id: uuid.UUID, actor: Actor) -> tuple[Notification, str | None]:
    """One of the caller's visible notices, or NotFound."""
    row = session.exec(_base(actor).where(col(Notification.id) == notification_id)).first()
    if row is None:
        raise NotFound("Notification")
    return row[0], row[1]


def mark(session: Session, *, note: Notification, read: bool) -> Notification:
    """Mark a notice read (keeping the first moment) or unread again."""
    if read and note.read_at is None:
        note.read_at = utcnow()
    elif not read:
        note.read_at = None
    session.add(note)
    session.flush()
    return note


def mark_all_read(session: Session, *, actor: Actor) -> int:
    """Mark every unread notice of the caller read; how many were."""
    result = session.execute(
        update(Notification)
        .where(_own(actor), col(Notification.read_at).is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def to_public(note: Notification, reference: str | None) -> NotificationPublic:
    """The API view of a notice."""
    return NotificationPublic(
        id=note.id,
        kind=NotificationKind(note.kind),
        created_at=note.created_at,
        read_at=note.read_at,
        subject=NotificationSubject(
            type=SubjectType(note.object_type or SubjectType.incident.value),
            id=uuid.UUID(note.object_id) if note.object_id else (note.incident_id or note.id),
        ),
        incident_id=note.incident_id,
        incident_reference=reference if note.incident_id else None,
        params={str(k): str(v) for k, v in (note.params or {}).items()},
    )


# --- preferences --------------------------------------------------------------------------------


def preferences(session: Session, *, user_id: uuid.UUID) -> list[PreferenceItem]:
    """The user's choice for every kind, in the order of the kinds."""
    chosen = {
        p.kind: p.delivery
        for p in session.exec(select(NotificationPreference).where(NotificationPreference.user_id == user_id))
    }
    return [
        PreferenceItem(
            kind=kind,
            delivery=Delivery.immediately
            if kind in MANDATORY
            else Delivery(chosen.get(kind.value, "immediately")),
            mandatory=kind in MANDATORY,
        )
        for kind in NotificationKind
    ]


def replace_preferences(
    session: Session, *, actor: Actor, items: list[tuple[str, Delivery]]
) -> list[PreferenceItem]:
    """Set the choices given; unknown kinds and a mandatory kind not at once are refused (400)."""
    if actor.user_id is None:
        raise Forbidden("API clients have no inbox.")
    known = {k.value for k in NotificationKind}
    errors = []
    for index, (kind, delivery) in enumerate(items):
        if kind not in known:
            errors.append(
                FieldError(f"items[{index}].kind", "no such notification kind", "unknown_notification_kind")
            )
        elif NotificationKind(kind) in MANDATORY and delivery is not Delivery.immediately:
            errors.append(
                FieldError(
                    f"items[{index}].delivery",
                    "this kind is mandatory and always mailed at once",
                    "notification_mandatory",
                )
            )
    if errors:
        raise Invalid("The notification preferences are not valid.", errors)
    for kind, delivery in items:
        row = session.get(NotificationPreference, (actor.user_id, kind))
        if row is None:
            row = NotificationPreference(user_id=actor.user_id, kind=kind, delivery=delivery.value)
        row.delivery, row.updated_at = delivery.value, utcnow()
        session.add(row)
    session.flush()
    audit.record(
        session,
        action="user.notification_preferences",
        organisation_id=actor.organisation_id,
        actor=actor,
        object_type="user",
        object_id=actor.user_id,
        details={"changes": {kind: delivery.value for kind, delivery in items}},
    )
    return preferences(session, user_id=actor.user_id)
