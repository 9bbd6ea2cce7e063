"""Perpetrator records, their incidents, and the repeat-perpetrator signal (possible stalking)."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import timedelta
from typing import Any

from pydantic.alias_generators import to_camel
from sqlalchemy import func, tuple_
from sqlmodel import Session, col, select

from app import concurrency, pagination
from app.action import reminders
from app.audit import service as audit
from app.auth.actor import Actor
from app.config import get_settings
from app.db import utcnow
from app.errors import FieldError, Invalid, NotFound
from app.incident import service as incidents
from app.incident.models import Incident
from app.legal import service as legal
from app.notification import service as notifications
from app.notification.models import NotificationKind, SubjectType
from app.perpetrator.models import Perpetrator
from app.perpetrator.schemas import PerpetratorCreate, PerpetratorPublic, PerpetratorUpdate


def _statement(actor: Actor) -> Any:
    return select(Perpetrator).where(Perpetrator.organisation_id == actor.organisation_id)


def get(session: Session, *, perpetrator_id: uuid.UUID, actor: Actor) -> Perpetrator:
    """One perpetrator record of the actor's organisation, or NotFound."""
    found = session.exec(_statement(actor).where(Perpetrator.id == perpetrator_id)).first()
    if found is None:
        raise NotFound("Perpetrator")
    return found  # type: ignore[no-any-return]


def create(session: Session, *, data: PerpetratorCreate, actor: Actor) -> Perpetrator:
    """Add a perpetrator record; audited."""
    now = utcnow()
    perpetrator = Perpetrator(
        organisation_id=actor.organisation_id,
        name=data.name.strip() if data.name else None,
        account_handles=data.account_handles,
        relation=data.relation.value if data.relation else None,
        notes=data.notes,
        created_at=now,
        updated_at=now,
    )
    session.add(perpetrator)
    session.flush()
    audit.record(
        session,
        action="perpetrator.create",
        organisation_id=actor.organisation_id,
        actor=actor,
        object_type="perpetrator",
        object_id=perpetrator.id,
    )
    return perpetrator


def etag(perpetrator: Perpetrator) -> str:
    """A strong ETag from the record's content and its last change (the table has no version column;
    updated_at also moves when its incident count or repeat signal changes)."""
    content = [
        perpetrator.name,
        perpetrator.account_handles,
        perpetrator.relation,
        perpetrator.notes,
        perpetrator.updated_at.isoformat(),
    ]
    digest = hashlib.sha256(json.dumps(content).encode()).hexdigest()[:20]
    return f'"{digest}"'


def update(
    session: Session,
    *,
    perpetrator: Perpetrator,
    data: PerpetratorUpdate,
    actor: Actor,
    if_match: str | None,
) -> Perpetrator:
    """Apply a merge patch (name, account handles, relation, notes) with If-Match; audited."""
    concurrency.check_if_match(current=etag(perpetrator), if_match=if_match, what="the perpetrator")
    fields = set(data.model_fields_set)
    errors: list[FieldError] = []
    for name in ("account_handles", "notes"):
        if name in fields and getattr(data, name) is None:
            errors.append(FieldError(to_camel(name), "must not be null", "not_null"))
    if errors:
        raise Invalid("Some fields cannot be cleared.", errors)
    if "name" in fields:
        perpetrator.name = data.name.strip() if data.name else None
    if "account_handles" in fields and data.account_handles is not None:
        perpetrator.account_handles = data.account_handles
    if "relation" in fields:
        perpetrator.relation = data.relation.value if data.relation else None
    if "notes" in fields and data.notes is not None:
        perpetrator.notes = data.notes
    if not (perpetrator.name and perpetrator.name.strip()) and not perpetrator.account_handles:
        raise Invalid(
            "A perpetrator needs a name or an account handle.",
            [FieldError("name", "give a name or at least one account handle", "name_or_handle")],
        )
    perpetrator.updated_at = utcnow()
    session.add(perpetrator)
    session.flush()
    audit.record(
        session,
        action="perpetrator.update",
        organisation_id=actor.organisation_id,
        actor=actor,
        object_type="perpetrator",
        object_id=perpetrator.id,
        details={"fields": sorted(to_camel(f) for f in fields)},
    )
    return perpetrator


def to_public_many(
    session: Session, perpetrators: list[Perpetrator], *, actor: Actor
) -> list[PerpetratorPublic]:
    """The API views, with incident counts and the repeat signal (one query for all of them).

    Both count only the incidents the actor may see: a strictly confidential incident is not
    revealed by a perpetrator's figures.
    """
    ids = [p.id for p in perpetrators]
    counts: dict[uuid.UUID, tuple[int, bool]] = {}
    if ids:
        rows = session.exec(
            select(
                Incident.perpetrator_id,
                func.count(),
                func.count(col(Incident.systematic_since)),
            )
            .where(col(Incident.perpetrator_id).in_(ids), incidents.need_to_know(actor))
            .group_by(col(Incident.perpetrator_id))
        ).all()
        counts = {row[0]: (int(row[1]), int(row[2]) > 0) for row in rows if row[0] is not None}
    return [
        PerpetratorPublic.model_validate(
            {
                "id": p.id,
                "name": p.name,
                "account_handles": p.account_handles,
                "relation": p.relation,
                "notes": p.notes,
                "incident_count": counts.get(p.id, (0, False))[0],
                "systematic": counts.get(p.id, (0, False))[1],
                "created_at": p.created_at,
                "updated_at": p.updated_at,
            }
        )
        for p in perpetrators
    ]


def to_public(session: Session, perpetrator: Perpetrator, *, actor: Actor) -> PerpetratorPublic:
    """The API view of one perpetrator record."""
    return to_public_many(session, [perpetrator], actor=actor)[0]


def list_page(
    session: Session,
    *,
    actor: Actor,
    q: str | None,
    cursor: str | None,
    limit: int,
    sync: pagination.Sync | None = None,
) -> tuple[list[Perpetrator], str | None]:
    """One page of perpetrator records, newest first (a change feed with sync); q matches the name
    case-insensitively."""
    stmt = pagination.changed_since(_statement(actor), sync, col(Perpetrator.updated_at))
    if q:
        stmt = stmt.where(func.lower(col(Perpetrator.name)).like(pagination.like_pattern(q), escape="\\"))
    if sync is not None and sync.by_update:
        return pagination.by_update_page(session, stmt, Perpetrator, cursor=cursor, limit=limit)
    if cursor:
        at, ident = pagination.decode_cursor(cursor)
        stmt = stmt.where(tuple_(col(Perpetrator.created_at), col(Perpetrator.id)) < tuple_(at, ident))
    stmt = stmt.order_by(col(Perpetrator.created_at).desc(), col(Perpetrator.id).desc()).limit(limit + 1)
    return pagination.page_of(session.exec(stmt).all(), limit, lambda p: (p.created_at, p.id))


def incidents_of(session: Session, *, perpetrator: Perpetrator, actor: Actor) -> list[Incident]:
    """The incidents linked to the perpetrator that the actor may see, latest occurrence first."""
    stmt = (
        incidents.visible_statement(actor)
        .where(col(Incident.perpetrator_id) == perpetrator.id)
        .order_by(col(Incident.occurred_at).desc(), col(Incident.id).desc())
        .limit(500)
    )
    return list(session.exec(stmt).all())


def check_link(session: Session, *, organisation_id: uuid.UUID, perpetrator_id: uuid.UUID) -> None:
    """Refuse a link to a perpetrator record of another organisation or an unknown one (400)."""
    found = session.get(Perpetrator, perpetrator_id)
    if found is None or found.organisation_id != organisation_id:
        raise Invalid(
            "The perpetrator is not valid.",
            [FieldError("perpetratorId", "no such perpetrator in this organisation", "unknown_perpetrator")],
        )


def touch(session: Session, *, perpetrator_id: uuid.UUID) -> None:
    """Record a change of what the record's API view shows (its incident count or repeat signal)."""
    found = session.get(Perpetrator, perpetrator_id)
    if found is not None:
        found.updated_at = utcnow()
        session.add(found)


def refresh_signal(
    session: Session,
    *,
    perpetrator_id: uuid.UUID,
    organisation_id: uuid.UUID,
    actor: Actor | None,
    current: uuid.UUID | None = None,
) -> list[uuid.UUID]:
    """Mark the incidents where the perpetrator appears >= N times within the window; notify on new ones.

    An incident whose signal changes is a changed incident (new version and updatedAt), except
    `current`, the one being written, which counts its own change. Returns the incidents that newly
    carry the signal.
    """
    settings = get_settings()
    threshold, window = (
        settings.repeat_perpetrator_threshold,
        timedelta(days=settings.repeat_perpetrator_window_days),
    )
    rows = session.exec(
        select(Incident)
        .where(Incident.perpetrator_id == perpetrator_id)
        .order_by(col(Incident.occurred_at), col(Incident.id))
    ).all()
    flagged: set[uuid.UUID] = set()
    start = 0
    for end in range(len(rows)):
        while rows[end].occurred_at - rows[start].occurred_at > window:
            start += 1
        if end - start + 1 >= threshold:
            flagged.update(rows[i].id for i in range(start, end + 1))
    now = utcnow()
    new: list[uuid.UUID] = []
    changed: list[uuid.UUID] = []
    article = legal.systematic_article(session, organisation_id) if flagged else None
    for incident in rows:
        if incident.id in flagged and incident.systematic_since is None:
            incident.systematic_since = now
            incident.systematic_article = article
            new.append(incident.id)
            changed.append(incident.id)
        elif incident.id not in flagged and incident.systematic_since is not None:
            incident.systematic_since = None
            incident.systematic_article = None
            changed.append(incident.id)
        else:
            continue
        if incident.id != current:
            incident.version += 1
            incident.updated_at = now
        session.add(incident)
    if changed:
        touch(session, perpetrator_id=perpetrator_id)
    session.flush()
    if new:
        _signal(
            session,
            perpetrator_id=perpetrator_id,
            organisation_id=organisation_id,
            actor=actor,
            new=new,
            all_flagged=sorted(flagged, key=str),
            threshold=threshold,
            window=window,
        )
    return new


def _signal(
    session: Session,
    *,
    perpetrator_id: uuid.UUID,
    organisation_id: uuid.UUID,
    actor: Actor | None,
    new: list[uuid.UUID],
    all_flagged: list[uuid.UUID],
    threshold: int,
    window: timedelta,
) -> None:
    references = session.exec(select(Incident.reference).where(col(Incident.id).in_(all_flagged))).all()
    message = (
        f"Systematic - possible stalking (Sr 285b): one perpetrator appears in {len(all_flagged)} "
        f"incidents within {window.days} days ({', '.join(sorted(references))})."
    )
    recipients = reminders.handlers_of(session, organisation_id)
    notifications.notify(
        session,
        organisation_id=organisation_id,
        user_ids=recipients,
        kind=NotificationKind.repeat_perpetrator,
        subject_type=SubjectType.perpetrator,
        subject_id=perpetrator_id,
        incident_id=new[-1],
        params={"count": str(len(all_flagged)), "windowDays": str(window.days)},
        message=message,
    )
    audit.record(
        session,
        action="perpetrator.systematic_signal",
        organisation_id=organisation_id,
        actor=actor,
        object_type="perpetrator",
        object_id=perpetrator_id,
        details={
            "incidentIds": [str(i) for i in all_flagged],
            "newIncidentIds": [str(i) for i in new],
            "threshold": threshold,
            "windowDays": window.days,
            "notified": [str(r) for r in recipients],
        },
    )
