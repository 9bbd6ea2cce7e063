"""Witnesses, journal notes, complaints and tracing requests of an incident."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow


class ComplaintOutcome(StrEnum):
    """How the complaint behind the aggression ended (seeds/001: talk about the complaint and try to
    solve it; seeds/002: hold to the norm, but see whether the complaint can be solved)."""

    resolved = "resolved"
    not_resolved = "not_resolved"
    referred = "referred"
    unfounded = "unfounded"


class TracingChannel(StrEnum):
    """Who is asked to find an unknown sender (seeds/001: the police, after the report;
    seeds/003: a cybersecurity specialist). The provider is asked through a takedown request."""

    police = "police"
    specialist = "specialist"


class TracingOutcome(StrEnum):
    pending = "pending"
    identified = "identified"
    not_identified = "not_identified"


class Witness(SQLModel, table=True):
    """Someone who saw the aggression (Silkeborg: note the witnesses' names and phone numbers)."""

    __tablename__ = "incident_witness"
    __table_args__ = (Index("ix_incident_witness_incident", "incident_id", "created_at"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    incident_id: uuid.UUID = Field(foreign_key="incident.id")
    name: str = Field(max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    statement: str = Field(default="", max_length=2000)
    created_by_user_id: uuid.UUID = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class JournalEntry(SQLModel, table=True):
    """A dated note written while it is fresh: what, where, who, when (Silkeborg: notat- og
    journaliseringspligt). Never changed: a correction is a new entry that names the earlier one."""

    __tablename__ = "journal_entry"
    __table_args__ = (Index("ix_journal_entry_incident", "incident_id", "written_at"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    incident_id: uuid.UUID = Field(foreign_key="incident.id")
    happened_at: datetime = Field(sa_type=UTCDateTime)
    what: str = Field(max_length=5000)
    place: str = Field(default="", max_length=500)
    people: str = Field(default="", max_length=1000)
    corrects_id: uuid.UUID | None = Field(default=None, foreign_key="journal_entry.id")
    author_user_id: uuid.UUID = Field(foreign_key="user_account.id")
    written_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Complaint(SQLModel, table=True):
    """A complaint against the municipality hidden in the aggression, handled as its own step."""

    __tablename__ = "incident_complaint"
    __table_args__ = (Index("ix_incident_complaint_incident", "incident_id", "created_at"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    incident_id: uuid.UUID = Field(foreign_key="incident.id")
    subject: str = Field(max_length=2000)
    conversation_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    aggression_addressed: bool = False
    agreements: str = Field(default="", max_length=4000)
    outcome: str | None = Field(default=None, max_length=20)
    resolution: str = Field(default="", max_length=4000)
    created_by_user_id: uuid.UUID = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = 1


class TracingRequest(SQLModel, table=True):
    """A request to find an unknown sender: the police (after the report) or a specialist."""

    __tablename__ = "tracing_request"
    __table_args__ = (Index("ix_tracing_request_incident", "incident_id", "created_at"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    incident_id: uuid.UUID = Field(foreign_key="incident.id")
    channel: str = Field(max_length=20)
    requested_at: datetime = Field(sa_type=UTCDateTime)
    reference: str = Field(default="", max_length=200)
    note: str = Field(default="", max_length=2000)
    outcome: str = Field(default=TracingOutcome.pending.value, max_length=20)
    identified_as: str | None = Field(default=None, max_length=200)
    created_by_user_id: uuid.UUID = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = 1
