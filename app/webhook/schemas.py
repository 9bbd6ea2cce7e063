"""Request and response bodies of /webhook-subscriptions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field

from app.schemas import ApiModel
from app.webhook.models import DeliveryEventType, DeliveryStatus, EventType, SubscriptionStatus


class WebhookSubscriptionCreate(ApiModel):
    """Where to send which events."""

    url: Annotated[
        str,
        Field(
            min_length=8,
            max_length=2048,
            description="https URL of the receiver (http only outside production); "
            "private and loopback addresses are refused.",
            examples=["https://gir.example.nl/hooks/weerbaar"],
        ),
    ]
    event_types: list[EventType] = Field(min_length=1, max_length=len(EventType))
    description: str = Field(default="", max_length=500)


class WebhookSubscriptionPublic(ApiModel):
    """A subscription; the signing secret is only shown when it is created."""

    id: uuid.UUID
    url: str
    event_types: list[EventType]
    description: str
    status: SubscriptionStatus = Field(
        description="disabled after the receiver answered 410 Gone; no more deliveries then."
    )
    disabled_reason: str | None
    disabled_at: datetime | None
    previous_secret_expires_at: datetime | None = Field(
        description="After a secret rotation: until when the previous secret signs as well "
        "(a second `v1,` entry in webhook-signature); null when only one secret signs."
    )
    created_at: datetime


class WebhookSubscriptionWithSecret(WebhookSubscriptionPublic):
    """A subscription with its (new) signing secret: shown this once."""

    secret: str = Field(
        description="The Standard Webhooks signing secret (whsec_ + base64). Shown only now.",
        examples=["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
    )


class WebhookAttemptPublic(ApiModel):
    """One HTTP attempt of a delivery."""

    attempt: int = Field(description="1 for the first attempt, then counting up.")
    attempted_at: datetime
    status_code: int | None = Field(description="The receiver's HTTP status; null when none came.")
    duration_ms: int
    error: str | None = Field(description="Why the attempt failed, when it did.")


class WebhookDeliveryPublic(ApiModel):
    """One event sent to this subscription, with every attempt."""

    id: uuid.UUID
    event_id: uuid.UUID = Field(description="The webhook-id header of the deliveries: msg_<eventId>.")
    event_type: DeliveryEventType
    status: DeliveryStatus
    attempts: list[WebhookAttemptPublic]
    next_attempt_at: datetime | None
    created_at: datetime
    completed_at: datetime | None
