"""Webhook subscriptions, the events the system emits, and every delivery attempt."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow


class EventType(StrEnum):
    """What a subscription can be told about."""

    incident_created = "incident.created"
    incident_updated = "incident.updated"
    incident_closed = "incident.closed"
    evidence_added = "evidence.added"
    evidence_verification_failed = "evidence.verification_failed"
    evidence_updated = "evidence.updated"
    evidence_removed = "evidence.removed"
    evidence_legal_hold_set = "evidence.legal_hold_set"
    evidence_legal_hold_released = "evidence.legal_hold_released"
    takedown_created = "takedown.created"
    takedown_status_changed = "takedown.status_changed"
    action_created = "action.created"
    action_updated = "action.updated"
    action_done = "action.done"
    action_due = "action.due"
    recording_permission_violation = "recording_permission.violation"


PING = "webhook.ping"


class DeliveryEventType(StrEnum):
    """What a delivery carries: an event a subscription asked for, or a ping sent on request."""

    incident_created = "incident.created"
    incident_updated = "incident.updated"
    incident_closed = "incident.closed"
    evidence_added = "evidence.added"
    evidence_verification_failed = "evidence.verification_failed"
    evidence_updated = "evidence.updated"
    evidence_removed = "evidence.removed"
    evidence_legal_hold_set = "evidence.legal_hold_set"
    evidence_legal_hold_released = "evidence.legal_hold_released"
    takedown_created = "takedown.created"
    takedown_status_changed = "takedown.status_changed"
    action_created = "action.created"
    action_updated = "action.updated"
    action_done = "action.done"
    action_due = "action.due"
    recording_permission_violation = "recording_permission.violation"
    webhook_ping = PING


class SubscriptionStatus(StrEnum):
    active = "active"
    # The receiver answered 410 Gone: no more deliveries until a new subscription is made.
    disabled = "disabled"


class DeliveryStatus(StrEnum):
    pending = "pending"
    succeeded = "succeeded"
    failed = "failed"


class WebhookSubscription(SQLModel, table=True):
    __tablename__ = "webhook_subscription"
    __table_args__ = (Index("ix_webhook_subscription_org_created", "organisation_id", "created_at", "id"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    url: str = Field(max_length=2048)
    description: str = Field(default="", max_length=500)
    event_types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # The signing secret (whsec_...) encrypted with a key derived from WEERBAAR_SECRET_KEY: the
    # server must read it back to sign, but a copy of the database alone does not give it away.
    sealed_secret: str = Field(max_length=200)
    # After a rotation the previous secret also signs until previous_secret_expires_at (overlap).
    previous_sealed_secret: str | None = Field(default=None, max_length=200)
    previous_secret_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: str = Field(default=SubscriptionStatus.active.value, max_length=10)
    disabled_reason: str | None = Field(default=None, max_length=500)
    disabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    created_by_client_id: uuid.UUID | None = Field(default=None, foreign_key="api_client.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class WebhookEvent(SQLModel, table=True):
    """One thing that happened; its id is the webhook-id every delivery of it carries."""

    __tablename__ = "webhook_event"
    __table_args__ = (Index("ix_webhook_event_org_created", "organisation_id", "created_at"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    event_type: str = Field(max_length=40)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WebhookDelivery(SQLModel, table=True):
    """One event to one subscription, retried until it succeeds or gives up."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id", name="uq_webhook_delivery_subscription_event"),
        Index("ix_webhook_delivery_subscription_created", "subscription_id", "created_at", "id"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    subscription_id: uuid.UUID = Field(foreign_key="webhook_subscription.id")
    event_id: uuid.UUID = Field(foreign_key="webhook_event.id")
    event_type: str = Field(max_length=40)
    status: str = Field(default=DeliveryStatus.pending.value, max_length=10)
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class WebhookAttempt(SQLModel, table=True):
    """One HTTP attempt of a delivery: the delivery log."""

    __tablename__ = "webhook_attempt"
    __table_args__ = (Index("ix_webhook_attempt_delivery", "delivery_id", "attempt"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    delivery_id: uuid.UUID = Field(foreign_key="webhook_delivery.id")
    attempt: int
    attempted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    status_code: int | None = None
    duration_ms: int = 0
    error: str | None = Field(default=None, max_length=500)
