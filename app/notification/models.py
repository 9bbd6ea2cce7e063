"""Notices for one user (the inbox), per-user delivery preferences and the mail outbox."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow


class NotificationKind(StrEnum):
    """What a notice is about; the UI and the mails word it from the kind and its params."""

    incident_assigned = "incident_assigned"
    incident_new_in_queue = "incident_new_in_queue"
    report_registered_manager = "report_registered_manager"
    report_registered_affected = "report_registered_affected"
    action_due = "action_due"
    action_overdue = "action_overdue"
    police_report_deadline = "police_report_deadline"
    takedown_overdue = "takedown_overdue"
    repeat_perpetrator = "repeat_perpetrator"
    evidence_integrity_alert = "evidence_integrity_alert"
    webhook_disabled = "webhook_disabled"
    recording_violation = "recording_violation"
    url_back_online = "url_back_online"
    privacy_concerned = "privacy_concerned"


# Always mailed at once; a user cannot turn them off or into the digest.
MANDATORY = frozenset(
    {
        NotificationKind.incident_assigned,
        NotificationKind.action_overdue,
        NotificationKind.police_report_deadline,
        NotificationKind.evidence_integrity_alert,
    }
)


class Delivery(StrEnum):
    """How a user wants notices of one kind by e-mail (the inbox always has them)."""

    immediately = "immediately"
    daily_digest = "daily_digest"
    off = "off"


class SubjectType(StrEnum):
    """The kind of object a notice is about (the UI links by it)."""

    incident = "incident"
    action = "action"
    takedown_request = "takedownRequest"
    evidence = "evidence"
    recording_permission = "recordingPermission"
    perpetrator = "perpetrator"
    webhook_subscription = "webhookSubscription"


class Notification(SQLModel, table=True):
    """One notice for one user. `params` holds plain values only, never incident content."""

    __tablename__ = "handling_notification"
    __table_args__ = (
        Index("ix_handling_notification_user", "user_id", "created_at"),
        Index("ix_handling_notification_user_unread", "user_id", "read_at"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    user_id: uuid.UUID = Field(foreign_key="user_account.id")
    kind: str = Field(max_length=40)
    incident_id: uuid.UUID | None = Field(default=None, foreign_key="incident.id")
    object_type: str | None = Field(default=None, max_length=40)
    object_id: str | None = Field(default=None, max_length=64)
    # An English line for logs and older clients; the inbox words notices from kind and params.
    message: str = Field(default="", max_length=1000)
    params: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )
    # How it went out by mail when it was made: immediately, daily_digest or off (inbox only).
    delivery: str | None = Field(default=None, max_length=20)
    digested_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class NotificationPreference(SQLModel, table=True):
    """A user's choice for one kind; kinds without a row use the default (immediately)."""

    __tablename__ = "notification_preference"

    user_id: uuid.UUID = Field(foreign_key="user_account.id", primary_key=True)
    kind: str = Field(max_length=40, primary_key=True)
    delivery: str = Field(max_length=20)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MailStatus(StrEnum):
    """queued -> claimed (lease) -> sending (the point of no return) -> sent; or failed."""

    queued = "queued"
    claimed = "claimed"
    sending = "sending"
    sent = "sent"
    failed = "failed"


class MailOutbox(SQLModel, table=True):
    """A mail waiting to go out (or gone); written in the same transaction as its cause."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        Index("ix_mail_outbox_status_next", "status", "next_attempt_at"),
        Index("ix_mail_outbox_org_created", "organisation_id", "created_at", "id"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    recipient_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    recipient_email: str = Field(max_length=254)
    kind: str = Field(max_length=40)  # a notification kind, or "daily_digest"
    locale: str = Field(max_length=5)
    subject: str = Field(max_length=300)
    body: str = Field(max_length=8000)
    # Fixed per row: a mail sent again by an administrator carries the same Message-ID.
    message_id: str = Field(max_length=200)
    status: str = Field(default=MailStatus.queued.value, max_length=10)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claimed_by: str | None = Field(default=None, max_length=100)
    last_error: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
