"""External references of incidents, one row each, unique per organisation."""

from __future__ import annotations

import uuid

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class IncidentExternalReference(SQLModel, table=True):
    """The id an incident has in another system (GIR, SafetyNet, ...); the constraint forbids twins."""

    __tablename__ = "incident_external_reference"
    __table_args__ = (
        UniqueConstraint("organisation_id", "system", "external_id", name="uq_incident_external_reference"),
        Index("ix_incident_external_reference_incident", "incident_id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    system: str = Field(max_length=40)
    external_id: str = Field(max_length=100)
    incident_id: uuid.UUID = Field(foreign_key="incident.id")
