"""Requests to record a conversation with staff, their decision, breaches and the house rules."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow


class RecordingKind(StrEnum):
    audio = "audio"
    photo = "photo"
    video = "video"


IMAGE_KINDS = frozenset({RecordingKind.photo, RecordingKind.video})


class Decision(StrEnum):
    pending = "pending"
    granted = "granted"
    refused = "refused"
    alternative_offered = "alternative_offered"


class RefusalGround(StrEnum):
    """Why a request was not granted as asked (protocol: weighty reasons, or portrait right)."""

    weighty_reason = "weighty_reason"
    portrait_right = "portrait_right"


class Consent(StrEnum):
    """An employee's answer to a request to make images of them."""

    not_asked = "not_asked"
    given = "given"
    refused = "refused"


class ViolationKind(StrEnum):
    recording_without_permission = "recording_without_permission"
    publication = "publication"
    editing = "editing"
    sharing = "sharing"


class ViolationStep(StrEnum):
    """What staff did when a citizen went on recording (VNG/A+O instruction): asked, then summoned, to
    stop; asked, then summoned, to leave the building; in public space the employee leaves."""

    asked_to_stop = "asked_to_stop"
    summoned_to_stop = "summoned_to_stop"
    asked_to_leave = "asked_to_leave"
    summoned_to_leave = "summoned_to_leave"
    employee_left = "employee_left"


class RecordingPermission(SQLModel, table=True):
    """One request to record a conversation, and the decision on it."""

    __tablename__ = "recording_permission"
    __table_args__ = (
        Index("ix_recording_permission_org_created", "organisation_id", "created_at", "id"),
        Index("ix_recording_permission_org_updated", "organisation_id", "updated_at", "id"),
        Index("ix_recording_permission_org_conversation", "organisation_id", "conversation_at"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    requester_name: str = Field(max_length=200)
    requester_contact: str | None = Field(default=None, max_length=254)
    conversation_at: datetime = Field(sa_type=UTCDateTime)
    place: str = Field(max_length=200)
    context: str = Field(default="", max_length=2000)
    public_space: bool = False
    kind_audio: bool = False
    kind_photo: bool = False
    kind_video: bool = False
    # [{name, userId?, consent, consentAt?}] in camelCase, as the API shows them.
    employees: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    decision: str = Field(default=Decision.pending.value, max_length=20)
    reason: str | None = Field(default=None, max_length=2000)
    refusal_ground: str | None = Field(default=None, max_length=20)
    alternative: str | None = Field(default=None, max_length=2000)
    conditions_accepted: bool = False
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    decided_by_client_id: uuid.UUID | None = Field(default=None, foreign_key="api_client.id")
    registered_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    registered_by_client_id: uuid.UUID | None = Field(default=None, foreign_key="api_client.id")
    # Lower-cased requester, place and context, for the free-text filter.
    search_text: str = Field(default="", max_length=3000)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def kinds(self) -> list[RecordingKind]:
        """The kinds of recording asked for, in a fixed order."""
        flags = (
            (RecordingKind.audio, self.kind_audio),
            (RecordingKind.photo, self.kind_photo),
            (RecordingKind.video, self.kind_video),
        )
        return [kind for kind, on in flags if on]


class RecordingPermissionPerson(SQLModel, table=True):
    """A user whom a recording permission concerns (need-to-know: they may see it)."""

    __tablename__ = "recording_permission_person"
    __table_args__ = (Index("ix_recording_permission_person_user", "user_id", "recording_permission_id"),)

    recording_permission_id: uuid.UUID = Field(foreign_key="recording_permission.id", primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", primary_key=True)


class RecordingViolation(SQLModel, table=True):
    """A breach of the conditions of a permission, handled as the linked incident."""

    __tablename__ = "recording_violation"
    __table_args__ = (
        Index("ix_recording_violation_permission", "recording_permission_id", "created_at", "id"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    recording_permission_id: uuid.UUID = Field(foreign_key="recording_permission.id")
    incident_id: uuid.UUID = Field(foreign_key="incident.id")
    incident_reference: str = Field(max_length=20)
    kinds: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    detected_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    description: str = Field(default="", max_length=20000)
    urls: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    steps: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reported_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    reported_by_client_id: uuid.UUID | None = Field(default=None, foreign_key="api_client.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RecordingRules(SQLModel, table=True):
    """An organisation's published house rules on recordings, in one language."""

    __tablename__ = "recording_rules"

    organisation_id: uuid.UUID = Field(foreign_key="organisation.id", primary_key=True)
    language: str = Field(max_length=5, primary_key=True)
    title: str = Field(max_length=200)
    body: str = Field(max_length=20000)
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
