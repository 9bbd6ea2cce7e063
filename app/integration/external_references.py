"""Keeping the external-reference index of incidents in step, and refusing twins.

An incident's `externalReferences` (JSON on the incident) are mirrored into
incident_external_reference, whose unique constraint (organisation, system, external id) makes
sure that one reference of another system never points at two incidents, also when two pushes
of the same incident race: the second one gets 409 with the first one's location.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import and_, exists, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.errors import Conflict, FieldError
from app.integration.models import IncidentExternalReference


class ExternalReferenceConflict(Conflict):
    """The reference belongs to another incident of the organisation (409 with its Location)."""

    def __init__(self, *, system: str, external_id: str, index: int, incident_id: uuid.UUID) -> None:
        self.location = f"/api/v1/incidents/{incident_id}"
        self.incident_id = incident_id
        super().__init__(
            f"An incident with external reference {system} {external_id!r} already exists: "
            f"{self.location}. It was not registered again.",
            [FieldError(f"externalReferences/{index}", "already used by another incident", "duplicate")],
        )
        self.slug = "duplicate-external-reference"


def normalise_system(system: str) -> str:
    """Systems compare case-insensitively: 'gir' and 'GIR' are the same register."""
    return system.strip().upper()


def _pairs(incident: Any) -> list[tuple[str, str]]:
    found = [(normalise_system(r["system"]), str(r["id"])) for r in incident.external_references or []]
    return list(dict.fromkeys(found))


def _owner(
    session: Session, organisation_id: uuid.UUID, pairs: list[tuple[str, str]], incident_id: uuid.UUID
) -> tuple[int, IncidentExternalReference] | None:
    if not pairs:
        return None
    rows = session.exec(
        select(IncidentExternalReference).where(
            IncidentExternalReference.organisation_id == organisation_id,
            col(IncidentExternalReference.incident_id) != incident_id,
            or_(
                *(
                    and_(
                        col(IncidentExternalReference.system) == system,
                        col(IncidentExternalReference.external_id) == external_id,
                    )
                    for system, external_id in pairs
                )
            ),
        )
    ).all()
    for index, pair in enumerate(pairs):
        for row in rows:
            if (row.system, row.external_id) == pair:
                return index, row
    return None


def _raise_conflict(found: tuple[int, IncidentExternalReference]) -> None:
    index, row = found
    raise ExternalReferenceConflict(
        system=row.system, external_id=row.external_id, index=index, incident_id=row.incident_id
    )


def sync(session: Session, *, incident: Any, new: bool = False) -> None:
    """Mirror the incident's references into the index; ExternalReferenceConflict on a twin (a new
    incident has no rows in the index yet)."""
    pairs = _pairs(incident)
    if new and not pairs:
        return
    found = _owner(session, incident.organisation_id, pairs, incident.id)
    if found:
        _raise_conflict(found)
    current = (
        []
        if new
        else session.exec(
            select(IncidentExternalReference).where(IncidentExternalReference.incident_id == incident.id)
        ).all()
    )
    wanted = set(pairs)
    for row in current:
        if (row.system, row.external_id) not in wanted:
            session.delete(row)
    have = {(row.system, row.external_id) for row in current}
    try:
        # A savepoint: on PostgreSQL a unique violation would otherwise abort the whole transaction.
        with session.begin_nested():
            for system, external_id in pairs:
                if (system, external_id) not in have:
                    session.add(
                        IncidentExternalReference(
                            organisation_id=incident.organisation_id,
                            system=system,
                            external_id=external_id,
                            incident_id=incident.id,
                        )
                    )
            session.flush()
    except IntegrityError:
        # A concurrent request registered the same reference and committed first.
        found = _owner(session, incident.organisation_id, pairs, incident.id)
        if found:
            _raise_conflict(found)
        raise


def filter_clause(incident_id_column: Any, *, system: str, external_id: str) -> Any:
    """A WHERE clause: the incident carries this reference of this system."""
    return exists().where(
        and_(
            col(IncidentExternalReference.incident_id) == incident_id_column,
            col(IncidentExternalReference.system) == normalise_system(system),
            col(IncidentExternalReference.external_id) == external_id,
        )
    )
