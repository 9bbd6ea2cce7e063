"""API views of notices, preferences and the mail outbox."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import Field

from app.notification.models import Delivery, NotificationKind, SubjectType
from app.schemas import ApiModel


class NotificationSubject(ApiModel):
    """What the notice is about; the UI links to it."""

    type: SubjectType
    id: uuid.UUID


class NotificationPublic(ApiModel):
    """One notice. The text is worded by the client from `kind` and `params`; no incident content."""

    id: uuid.UUID
    kind: NotificationKind
    created_at: datetime
    read_at: datetime | None = Field(description="When the recipient marked it read; null: unread.")
    subject: NotificationSubject
    incident_id: uuid.UUID | None
    incident_reference: str | None = Field(examples=["DA-2026-0042"])
    params: dict[str, str] = Field(
        description="Plain values for the text, e.g. actionKind, dueAt, count; never incident content."
    )


class NotificationPage(ApiModel):
    """One page of the caller's notices, newest first."""

    items: list[NotificationPublic]
    next: str | None = Field(default=None, description="URL of the next page, or null.")
    unread_count: int = Field(description="Unread notices of the caller (all pages).")


class NotificationUpdate(ApiModel):
    """Mark one notice read or unread."""

    read: bool


class PreferenceItem(ApiModel):
    """How notices of one kind reach the user by e-mail."""

    kind: NotificationKind
    delivery: Delivery
    mandatory: bool = Field(description="Mandatory kinds are always mailed at once.")


class PreferenceList(ApiModel):
    """The user's delivery choice for every kind."""

    items: list[PreferenceItem]


class PreferenceChange(ApiModel):
    """A delivery choice for one kind (the kind is checked by the service: 400 with the field)."""

    # Declared as the enum; checked by the service, whose field error names the unknown kind.
    kind: str = Field(max_length=40, json_schema_extra={"enum": [k.value for k in NotificationKind]})
    delivery: Delivery


class PreferenceReplace(ApiModel):
    """Choices for some kinds; kinds left out keep their current choice."""

    items: list[PreferenceChange] = Field(max_length=50)


class MailState(StrEnum):
    """Where a mail stands: waiting or being sent (queued), sent, or given up (failed)."""

    queued = "queued"
    sent = "sent"
    failed = "failed"


class MailPublic(ApiModel):
    """A mail in the outbox (never its text)."""

    id: uuid.UUID
    recipient_user_id: uuid.UUID | None
    recipient_email: str
    kind: str = Field(description="A notification kind, or daily_digest.")
    status: MailState
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class MailPage(ApiModel):
    """One page of the outbox, newest first."""

    items: list[MailPublic]
    next: str | None = Field(default=None, description="URL of the next page, or null.")
