"""Request and response bodies of witnesses, journal entries, complaints and tracing requests."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from app.casework.models import ComplaintOutcome, TracingChannel, TracingOutcome
from app.schemas import ApiModel, PastUtcDatetime, cannot_be_cleared

PHONE_PATTERN = r"^\+?[0-9][0-9 ()./-]{4,28}[0-9]$"


def _phone(value: str) -> str:
    if not re.fullmatch(PHONE_PATTERN, value):
        raise PydanticCustomError(
            "invalid_phone", "a phone number: digits, spaces and + ( ) - . / only, 6 to 30 characters"
        )
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "must not be only white space")
    return value.strip()


Phone = Annotated[
    str,
    Field(max_length=30, json_schema_extra={"pattern": PHONE_PATTERN}, examples=["+45 20 12 34 56"]),
    AfterValidator(_phone),
]


Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_not_blank)]
What = Annotated[str, Field(min_length=1, max_length=5000), AfterValidator(_not_blank)]
Subject = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_not_blank)]


class WitnessCreate(ApiModel):
    """Someone who saw the aggression: their name and, where known, a phone number."""

    name: Name
    phone: Phone | None = None
    statement: str = Field(default="", max_length=2000, description="What the witness saw, briefly.")


class WitnessPublic(ApiModel):
    """A witness. The phone number is personal data: shown to case handlers, managers and whoever
    recorded the witness; to others it is null and phoneWithheld is true."""

    id: uuid.UUID
    incident_id: uuid.UUID
    name: str
    phone: str | None
    phone_withheld: bool
    statement: str
    created_by: uuid.UUID
    created_at: datetime


class JournalEntryCreate(ApiModel):
    """A note written while it is fresh: what happened, where, who was involved, and when."""

    happened_at: PastUtcDatetime = Field(description="When it happened (date and time).")
    what: What
    where: str = Field(default="", max_length=500, description="Where: a platform, a page, a place.")
    who: str = Field(default="", max_length=1000, description="Who was involved (sender, witnesses).")
    corrects_id: uuid.UUID | None = Field(
        default=None, description="An earlier entry of this incident that this one corrects."
    )


class JournalEntryPublic(ApiModel):
    """A journal entry; entries are never changed (a correction is a new entry)."""

    id: uuid.UUID
    incident_id: uuid.UUID
    happened_at: datetime
    what: str
    where: str
    who: str
    corrects_id: uuid.UUID | None
    author_id: uuid.UUID
    written_at: datetime = Field(description="When it was written down (set by the server).")


class ComplaintCreate(ApiModel):
    """A complaint against the municipality that the aggression carries."""

    subject: Subject = Field(description="What the sender complains about.")


class ComplaintUpdate(ApiModel):
    """The conversation about the complaint and its outcome (a merge patch with If-Match)."""

    model_config = ConfigDict(
        json_schema_extra=cannot_be_cleared("subject", "aggression_addressed", "agreements", "resolution")
    )

    subject: Subject | None = None
    conversation_at: PastUtcDatetime | None = Field(
        default=None, description="When the complaint was discussed with the sender."
    )
    aggression_addressed: bool | None = Field(
        default=None, description="The sender was told that aggression is not tolerated."
    )
    agreements: str | None = Field(
        default=None, max_length=4000, description="Agreements about how to communicate from now on."
    )
    outcome: ComplaintOutcome | None = Field(
        default=None, description="null reopens the complaint; an outcome needs a resolution text."
    )
    resolution: str | None = Field(
        default=None, max_length=4000, description="What was done about the complaint, or why not."
    )


class ComplaintPublic(ApiModel):
    """A complaint and how it was handled; open while outcome is null."""

    id: uuid.UUID
    incident_id: uuid.UUID
    subject: str
    conversation_at: datetime | None
    aggression_addressed: bool
    agreements: str
    outcome: ComplaintOutcome | None
    resolution: str
    created_by: uuid.UUID
    created_at: datetime
    decided_by: uuid.UUID | None
    decided_at: datetime | None
    updated_at: datetime
    version: int


class TracingRequestCreate(ApiModel):
    """Ask the police (after the police report) or a specialist to find an unknown sender."""

    channel: TracingChannel
    requested_at: PastUtcDatetime | None = Field(default=None, description="Defaults to now.")
    reference: str = Field(
        default="", max_length=200, description="The police's case number, or the specialist's name."
    )
    note: str = Field(default="", max_length=2000)


class TracingRequestUpdate(ApiModel):
    """The outcome of a tracing request (a merge patch with If-Match)."""

    model_config = ConfigDict(json_schema_extra=cannot_be_cleared("outcome", "reference", "note"))

    outcome: TracingOutcome | None = None
    identified_as: str | None = Field(
        default=None, max_length=200, description="Who the sender is; required with outcome identified."
    )
    reference: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, max_length=2000)


class TracingRequestPublic(ApiModel):
    """A tracing request."""

    id: uuid.UUID
    incident_id: uuid.UUID
    channel: TracingChannel
    requested_at: datetime
    reference: str
    note: str
    outcome: TracingOutcome
    identified_as: str | None
    created_by: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int
