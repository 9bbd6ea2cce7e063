"""Request and response bodies of /takedown-requests and /letter-templates."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import ConfigDict, EmailStr, Field, field_validator

from app.schemas import ApiModel, HttpUrlStr, PastUtcDatetime, cannot_be_cleared
from app.takedown.models import LetterLanguage, RecipientKind, TakedownStatus

LongText = Annotated[str, Field(min_length=1, max_length=8000)]


def _unique(values: list[Any] | None) -> list[Any] | None:
    return list(dict.fromkeys(values)) if values is not None else None


class _DraftFields(ApiModel):
    """Fields that can be set on creation and changed while the request is a draft."""

    recipient_name: str | None = Field(default=None, min_length=1, max_length=200)
    recipient_email: EmailStr | None = None
    recipient_address: str | None = Field(default=None, min_length=1, max_length=1000)
    urls: list[HttpUrlStr] | None = Field(default=None, min_length=1, max_length=100)
    legal_ground: str | None = Field(default=None, max_length=4000)
    illegality_explanation: LongText | None = Field(
        default=None, description="DSA Art. 16(2)(a): why the content is illegal (platform notices)."
    )
    notifier_name: str | None = Field(
        default=None, min_length=1, max_length=200, description="DSA Art. 16(2)(c): the notifier's name."
    )
    notifier_email: EmailStr | None = Field(
        default=None, description="DSA Art. 16(2)(c): the notifier's e-mail."
    )
    good_faith: bool | None = Field(
        default=None,
        description="DSA Art. 16(2)(d): the notifier's bona fide statement that the notice is accurate.",
    )

    evidence_ids: list[uuid.UUID] | None = Field(
        default=None,
        max_length=100,
        description="Evidence items of the same incident this request relies on (chosen by item).",
    )

    _dedupe = field_validator("urls", mode="after")(_unique)
    _dedupe_evidence = field_validator("evidence_ids", mode="after")(_unique)


class TakedownRequestCreate(_DraftFields):
    """A new takedown request (a draft). For a platform the DSA Art. 16 elements are required."""

    recipient_kind: RecipientKind
    recipient_name: str = Field(min_length=1, max_length=200)
    urls: list[HttpUrlStr] = Field(min_length=1, max_length=100, description="The exact URLs (DSA 16(2)(b)).")


class TakedownRequestUpdate(_DraftFields):
    """A partial update: draft fields while a draft, or a status change with the response."""

    model_config = ConfigDict(
        json_schema_extra=cannot_be_cleared("recipient_name", "urls", "good_faith", "evidence_ids", "status")
    )

    status: TakedownStatus | None = None
    sent_at: PastUtcDatetime | None = Field(default=None, description="When it was sent; defaults to now.")
    response: str | None = Field(default=None, max_length=8000, description="The recipient's answer.")


class TakedownRequestPublic(ApiModel):
    """A takedown request as the API shows it."""

    id: uuid.UUID
    incident_id: uuid.UUID
    recipient_kind: RecipientKind
    recipient_name: str
    recipient_email: str | None
    recipient_address: str | None
    urls: list[str]
    legal_ground: str
    illegality_explanation: str | None
    notifier_name: str | None
    notifier_email: str | None
    good_faith: bool
    evidence_ids: list[uuid.UUID] = Field(description="The linked evidence items.")
    status: TakedownStatus
    sent_at: datetime | None
    due_at: datetime | None = Field(description="When an answer is expected (per recipient kind).")
    responded_at: datetime | None
    response: str | None
    escalated_from_id: uuid.UUID | None
    escalated_to_id: uuid.UUID | None
    version: int
    created_at: datetime
    updated_at: datetime


class LetterTemplatePublic(ApiModel):
    """A letter template (Jinja2 HTML, rendered in a sandbox)."""

    language: LetterLanguage
    body: str
    version: int
    updated_at: datetime


class LetterTemplateReplace(ApiModel):
    """A new letter template body."""

    body: str = Field(min_length=20, max_length=100_000)
