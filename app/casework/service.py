"""Witnesses and journal entries of an incident: personal data on a need-to-know basis.

Both are kept for staff only (no API client reads them). Whoever may see the incident may add
them; case handlers, privacy officers, legal staff and managers see them all, anyone else sees
the journal entries they wrote and the witnesses' names, with the phone numbers of only the
witnesses they recorded themselves.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import tuple_
from sqlmodel import Session, col, select

from app import pagination
from app.audit import service as audit
from app.auth.actor import Actor
from app.casework.models import JournalEntry, Witness
from app.casework.schemas import JournalEntryCreate, JournalEntryPublic, WitnessCreate, WitnessPublic
from app.db import utcnow
from app.errors import FieldError, Forbidden, Invalid, NotFound
from app.incident.models import Incident
from app.organisation.models import Role


def staff(actor: Actor) -> uuid.UUID:
    """The calling user's id; API clients are refused (these records are for staff only)."""
    if actor.kind != "user" or actor.user_id is None:
        raise Forbidden("Witnesses and journal entries are for staff only: this needs a staff session.")
    return actor.user_id


def sees_all(actor: Actor) -> bool:
    """Case handlers, privacy officers, legal staff and managers see every witness and entry."""
    return actor.is_handler or actor.has_role(Role.manager)


def _page(
    session: Session,
    stmt: Any,
    *,
    at: Any,
    ident: Any,
    cursor: str | None,
    limit: int,
    key: Any,
) -> tuple[Sequence[Any], str | None]:
    """Oldest first, cut to one page."""
    if cursor:
        position, last = pagination.decode_cursor(cursor)
        stmt = stmt.where(tuple_(at, ident) > tuple_(position, last))
    rows = session.exec(stmt.order_by(at, ident).limit(limit + 1)).all()
    return pagination.page_of(rows, limit, key)


# --- witnesses --------------------------------------------------------------------------------


def add_witness(session: Session, *, incident: Incident, data: WitnessCreate, actor: Actor) -> Witness:
    """Record a witness of the incident."""
    user_id = staff(actor)
    witness = Witness(
        organisation_id=incident.organisation_id,
        incident_id=incident.id,
        name=data.name,
        phone=data.phone.strip() if data.phone else None,
        statement=data.statement.strip(),
        created_by_user_id=user_id,
        created_at=utcnow(),
    )
    session.add(witness)
    session.flush()
    audit.record(
        session,
        action="witness.create",
        organisation_id=incident.organisation_id,
        actor=actor,
        object_type="witness",
        object_id=witness.id,
        details={"incidentId": str(incident.id), "phone": witness.phone is not None},
    )
    return witness


def list_witnesses(
    session: Session, *, incident: Incident, actor: Actor, cursor: str | None, limit: int
) -> tuple[Sequence[Witness], str | None]:
    """The incident's witnesses, oldest first."""
    staff(actor)
    stmt = select(Witness).where(col(Witness.incident_id) == incident.id)
    return _page(
        session,
        stmt,
        at=col(Witness.created_at),
        ident=col(Witness.id),
        cursor=cursor,
        limit=limit,
        key=lambda w: (w.created_at, w.id),
    )


def witness_public(witness: Witness, *, actor: Actor) -> WitnessPublic:
    """The API view; the phone number only for those who need it."""
    shown = sees_all(actor) or witness.created_by_user_id == actor.user_id
    return WitnessPublic(
        id=witness.id,
        incident_id=witness.incident_id,
        name=witness.name,
        phone=witness.phone if shown else None,
        phone_withheld=bool(witness.phone) and not shown,
        statement=witness.statement,
        created_by=witness.created_by_user_id,
        created_at=witness.created_at,
    )


def remove_witness(session: Session, *, incident: Incident, witness_id: uuid.UUID, actor: Actor) -> None:
    """Delete a witness entered by mistake or who asked to be removed (the audit keeps no name)."""
    user_id = staff(actor)
    witness = session.get(Witness, witness_id)
    if witness is None or witness.incident_id != incident.id:
        raise NotFound("Witness")
    if not (sees_all(actor) or witness.created_by_user_id == user_id):
        raise Forbidden("Only whoever recorded the witness, a case handler or a manager may remove it.")
    session.delete(witness)
    session.flush()
    audit.record(
        session,
        action="witness.delete",
        organisation_id=incident.organisation_id,
        actor=actor,
        object_type="witness",
        object_id=witness_id,
        details={"incidentId": str(incident.id)},
    )


# --- journal ----------------------------------------------------------------------------------


def _readable_entries(incident: Incident, actor: Actor) -> Any:
    stmt = select(JournalEntry).where(col(JournalEntry.incident_id) == incident.id)
    if not sees_all(actor):
        stmt = stmt.where(col(JournalEntry.author_user_id) == actor.user_id)
    return stmt


def add_entry(
    session: Session, *, incident: Incident, data: JournalEntryCreate, actor: Actor
) -> JournalEntry:
    """Write a journal entry; the server sets the time it was written."""
    user_id = staff(actor)
    if data.corrects_id is not None:
        earlier = session.exec(
            _readable_entries(incident, actor).where(col(JournalEntry.id) == data.corrects_id)
        ).first()
        if earlier is None:
            raise Invalid(
                "The entry to correct is not an entry of this incident that you can read.",
                [FieldError("correctsId", "no such entry of this incident", "unknown_entry")],
            )
    entry = JournalEntry(
        organisation_id=incident.organisation_id,
        incident_id=incident.id,
        happened_at=data.happened_at,
        what=data.what,
        place=data.where.strip(),
        people=data.who.strip(),
        corrects_id=data.corrects_id,
        author_user_id=user_id,
        written_at=utcnow(),
    )
    session.add(entry)
    session.flush()
    audit.record(
        session,
        action="journal_entry.create",
        organisation_id=incident.organisation_id,
        actor=actor,
        object_type="journal_entry",
        object_id=entry.id,
        details={
            "incidentId": str(incident.id),
            "corrects": str(data.corrects_id) if data.corrects_id else None,
        },
    )
    return entry


def list_entries(
    session: Session, *, incident: Incident, actor: Actor, cursor: str | None, limit: int
) -> tuple[Sequence[JournalEntry], str | None]:
    """The journal entries the actor may read, in the order they were written."""
    staff(actor)
    return _page(
        session,
        _readable_entries(incident, actor),
        at=col(JournalEntry.written_at),
        ident=col(JournalEntry.id),
        cursor=cursor,
        limit=limit,
        key=lambda e: (e.written_at, e.id),
    )


def entry_public(entry: JournalEntry) -> JournalEntryPublic:
    """The API view of a journal entry."""
    return JournalEntryPublic(
        id=entry.id,
        incident_id=entry.incident_id,
        happened_at=entry.happened_at,
        what=entry.what,
        where=entry.place,
        who=entry.people,
        corrects_id=entry.corrects_id,
        author_id=entry.author_user_id,
        written_at=entry.written_at,
    )
