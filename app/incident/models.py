"""Incidents: one case of digital aggression, with its classification and handling status."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow


class Behaviour(StrEnum):
    """The behaviours the protocols name (NL webdossier, DK Silkeborg guideline)."""

    threat = "threat"
    death_threat = "death_threat"
    insult = "insult"
    intimidation = "intimidation"
    swearing = "swearing"
    humiliation = "humiliation"
    bullying = "bullying"
    blackmail = "blackmail"
    coercion = "coercion"
    stalking = "stalking"
    discrimination = "discrimination"
    extortion = "extortion"
    defamation = "defamation"
    bomb_threat = "bomb_threat"
    sexual_blackmail = "sexual_blackmail"
    doxxing = "doxxing"
    unauthorised_recording = "unauthorised_recording"


class Platform(StrEnum):
    facebook = "facebook"
    instagram = "instagram"
    x = "x"
    tiktok = "tiktok"
    youtube = "youtube"
    linkedin = "linkedin"
    whatsapp = "whatsapp"
    telegram = "telegram"
    snapchat = "snapchat"
    reddit = "reddit"
    forum = "forum"
    website = "website"
    email = "email"
    sms = "sms"
    other = "other"


class LocationKind(StrEnum):
    """Where the aggression took place (the protocol's distinctions)."""

    employee_account = "employee_account"
    municipal_account = "municipal_account"
    open_forum = "open_forum"
    half_open_forum = "half_open_forum"
    closed_forum = "closed_forum"
    perpetrator_account = "perpetrator_account"
    fake_account = "fake_account"
    email = "email"
    sms = "sms"
    other = "other"


class Classification(StrEnum):
    criminal = "criminal"
    actionable = "actionable"
    privacy = "privacy"


class Frequency(StrEnum):
    once = "once"
    several_times = "several_times"
    prolonged = "prolonged"


class Target(StrEnum):
    employee = "employee"
    organisation = "organisation"


class Employment(StrEnum):
    """How an affected employee works for the municipality when not on permanent staff: the
    protocol covers temporary staff and hired staff alike (seeds/000, note 2)."""

    temporary = "temporary"
    hired = "hired"


class Severity(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


class Status(StrEnum):
    reported = "reported"
    in_progress = "in_progress"
    monitoring = "monitoring"
    closed = "closed"


class Confidentiality(StrEnum):
    normal = "normal"
    confidential = "confidential"
    strictly_confidential = "strictly_confidential"


class PerpetratorRelation(StrEnum):
    citizen = "citizen"
    client = "client"
    relative_of_client = "relative_of_client"
    colleague = "colleague"
    former_employee = "former_employee"
    unknown = "unknown"
    other = "other"


class _NamedMembers(StrEnum):
    """An enumeration whose values are prose: the contract names its members for generated code
    (x-enum-varnames, read by openapi-python-client and openapi-typescript)."""

    @classmethod
    def __get_pydantic_json_schema__(cls, core: Any, handler: Any) -> dict[str, Any]:
        schema: dict[str, Any] = handler(core)
        schema["x-enum-varnames"] = [member.name.upper() for member in cls]
        return schema


class GirCategory(_NamedMembers):
    """The GIR categories under which digital aggression is registered in practice: the value is
    the category's name in GIR (Handreiking agressie via sociale media, seeds/001)."""

    verbal_aggression = "(non-)verbale agressie"
    personal_threat = "persoonlijke bedreiging"


class SafetynetCategory(_NamedMembers):
    """How SafetyNet takes a digital offence: every one as minor violence, threats and other
    offensive behaviour, serious ones as a work injury (Silkeborg guideline, seeds/004)."""

    minor_violence = "mindre vold, trusler og anden krænkende adfærd"
    work_injury = "arbejdsskade"


class Incident(SQLModel, table=True):
    __tablename__ = "incident"
    __table_args__ = (
        UniqueConstraint("organisation_id", "reference", name="uq_incident_org_reference"),
        Index("ix_incident_org_reported", "organisation_id", "reported_at", "id"),
        Index("ix_incident_org_status_reported", "organisation_id", "status", "reported_at", "id"),
        Index("ix_incident_org_updated", "organisation_id", "updated_at", "id"),
        # The free-text filter (LIKE '%q%' on search_text); pg_trgm, so PostgreSQL only (0005).
        Index(
            "ix_incident_search_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    reference: str = Field(max_length=20)
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=20000)
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    detected_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    platform: str = Field(max_length=20)
    location_kind: str | None = Field(default=None, max_length=30)
    urls: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    behaviours: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    derived_classification: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    classification_override: list[str] | None = Field(default=None, sa_column=Column(JSON))
    classification_override_reason: str | None = Field(default=None, max_length=2000)
    frequency: str | None = Field(default=None, max_length=20)
    targets: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    affected_employees: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    perpetrator: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    severity: str = Field(default="medium", max_length=10)
    status: str = Field(default="reported", max_length=20)
    closure_reason: str | None = Field(default=None, max_length=2000)
    case_handler_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    confidentiality: str = Field(default="normal", max_length=30)
    external_references: list[dict[str, str]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    # The register's own category names (GirCategory, SafetynetCategory); null: derived on export.
    gir_category: str | None = Field(default=None, max_length=100)
    safetynet_category: str | None = Field(default=None, max_length=100)
    police_report_required: bool = False
    protocol_not_applicable: bool = False
    protocol_not_applicable_reason: str | None = Field(default=None, max_length=2000)
    # The employee reacts strongly (SafetyNet: a work injury when the pack's rule says so).
    strong_reaction: bool = False
    # The perpetrator record, whether the target holds political office, and the repeat signal
    # (possible stalking: since when, under which article of the organisation's pack).
    perpetrator_id: uuid.UUID | None = Field(default=None, foreign_key="perpetrator.id", index=True)
    political_office_holder: bool = False
    systematic_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    systematic_article: str | None = Field(default=None, max_length=40)
    reported_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    reported_by_client_id: uuid.UUID | None = Field(default=None, foreign_key="api_client.id")
    # Lower-cased title, description, reference, URLs and handles, for the free-text filter.
    search_text: str = Field(default="", max_length=40000)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class IncidentBehaviour(SQLModel, table=True):
    """One row per behaviour of an incident, so the behaviour filter is an indexed join."""

    __tablename__ = "incident_behaviour"
    __table_args__ = (Index("ix_incident_behaviour_behaviour", "behaviour", "incident_id"),)

    incident_id: uuid.UUID = Field(foreign_key="incident.id", primary_key=True)
    behaviour: str = Field(max_length=30, primary_key=True)


class IncidentPerson(SQLModel, table=True):
    """A user whom an incident concerns (need-to-know: they may see it)."""

    __tablename__ = "incident_person"
    __table_args__ = (Index("ix_incident_person_user", "user_id", "incident_id"),)

    incident_id: uuid.UUID = Field(foreign_key="incident.id", primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", primary_key=True)


class ReferenceCounter(SQLModel, table=True):
    """The last reference number handed out per organisation and year."""

    __tablename__ = "reference_counter"

    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", primary_key=True)
    year: int = Field(primary_key=True)
    last_number: int = 0
