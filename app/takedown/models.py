"""Takedown requests and the letter templates they are rendered from."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow


class RecipientKind(StrEnum):
    sender = "sender"
    platform = "platform"
    search_engine = "search_engine"
    provider = "provider"
    data_protection_authority = "data_protection_authority"
    court = "court"


class TakedownStatus(StrEnum):
    draft = "draft"
    sent = "sent"
    acknowledged = "acknowledged"
    removed = "removed"
    partially_removed = "partially_removed"
    refused = "refused"
    no_response = "no_response"
    escalated = "escalated"
    withdrawn = "withdrawn"


class LetterLanguage(StrEnum):
    nl = "nl"
    da = "da"
    en = "en"


class TakedownRequest(SQLModel, table=True):
    __tablename__ = "takedown_request"
    __table_args__ = (
        Index("ix_takedown_request_incident", "incident_id", "created_at"),
        Index("ix_takedown_request_org_created", "organisation_id", "created_at", "id"),
        Index("ix_takedown_request_org_updated", "organisation_id", "updated_at", "id"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    incident_id: uuid.UUID = Field(foreign_key="incident.id")
    recipient_kind: str = Field(max_length=30)
    recipient_name: str = Field(max_length=200)
    recipient_email: str | None = Field(default=None, max_length=254)
    recipient_address: str | None = Field(default=None, max_length=1000)
    urls: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    legal_ground: str = Field(default="", max_length=4000)
    illegality_explanation: str | None = Field(default=None, max_length=8000)
    notifier_name: str | None = Field(default=None, max_length=200)
    notifier_email: str | None = Field(default=None, max_length=254)
    good_faith: bool = False
    status: str = Field(default=TakedownStatus.draft.value, max_length=20)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    response: str | None = Field(default=None, max_length=8000)
    escalated_from_id: uuid.UUID | None = Field(default=None, foreign_key="takedown_request.id")
    escalated_to_id: uuid.UUID | None = Field(default=None, foreign_key="takedown_request.id")
    created_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    created_by_client_id: uuid.UUID | None = Field(default=None, foreign_key="api_client.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = 1


class TakedownEvidence(SQLModel, table=True):
    """An evidence item a takedown request relies on (chosen by item, whatever its source URL)."""

    __tablename__ = "takedown_evidence"
    __table_args__ = (Index("ix_takedown_evidence_evidence", "evidence_id"),)

    takedown_request_id: uuid.UUID = Field(foreign_key="takedown_request.id", primary_key=True)
    evidence_id: uuid.UUID = Field(foreign_key="evidence.id", primary_key=True)


class LetterTemplate(SQLModel, table=True):
    """An organisation's letter template per language (Jinja2 HTML, rendered sandboxed)."""

    __tablename__ = "letter_template"
    __table_args__ = (
        UniqueConstraint("organisation_id", "language", name="uq_letter_template_org_language"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    language: str = Field(max_length=2)
    body: str = Field(sa_column=Column(Text, nullable=False))
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
