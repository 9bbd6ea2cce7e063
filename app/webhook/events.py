"""The payload of every webhook event: one pydantic model per event type, used to build the
payload when the event is emitted and published as the contract's `webhooks` section.

A body is Standard Webhooks' `{type, timestamp, data}`. `data` is thin: ids, reference, status
and absolute URLs of the resources (under WEERBAAR_PUBLIC_API_URL); never personal data. The
receiver fetches the rest through the API with its own scopes.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import AnyUrl, Field, create_model

from app.config import get_settings
from app.schemas import ApiModel
from app.webhook.models import PING, DeliveryEventType


def api_url(path: str) -> str:
    """The absolute URL of an API path such as `/incidents/<id>`."""
    return get_settings().api_base_url() + path


class IncidentEventData(ApiModel):
    """An incident was reported, changed or closed."""

    incident_id: uuid.UUID
    reference: str = Field(description="The incident's reference, e.g. UTR-2026-000123.")
    status: str = Field(description="The incident's status after the change.")
    version: int = Field(description="The incident's version after the change (its ETag is this number).")
    url: AnyUrl = Field(description="Absolute URL of the incident in the API.")


class EvidenceEventData(ApiModel):
    """Something happened to an evidence item of an incident."""

    incident_id: uuid.UUID
    reference: str = Field(description="The incident's reference.")
    evidence_id: uuid.UUID
    kind: str | None = Field(default=None, description="The kind of evidence (screenshot, video ...).")
    sha256: str | None = Field(default=None, description="SHA-256 of the content as received.")
    legal_hold: bool | None = Field(default=None, description="Whether the item is under legal hold now.")
    result: str | None = Field(default=None, description="For evidence.verification_failed: what was found.")
    url: AnyUrl | None = Field(
        default=None,
        description="Absolute URL of the evidence item in the API (410 Gone once it was removed).",
    )
    incident_url: AnyUrl = Field(description="Absolute URL of the incident in the API.")


class TakedownEventData(ApiModel):
    """A takedown request was drafted or its status changed."""

    incident_id: uuid.UUID
    reference: str = Field(description="The incident's reference.")
    takedown_request_id: uuid.UUID
    status: str = Field(description="The request's status after the change.")
    transition: str | None = Field(
        default=None, description="For takedown.status_changed: `<from>-><to>`, e.g. draft->sent."
    )
    url: AnyUrl = Field(description="Absolute URL of the takedown request in the API.")
    incident_url: AnyUrl = Field(description="Absolute URL of the incident in the API.")


class ActionEventData(ApiModel):
    """A handling step (action) was added, changed, done or is due."""

    incident_id: uuid.UUID
    reference: str = Field(description="The incident's reference.")
    action_id: uuid.UUID
    kind: str = Field(description="The kind of action (police_report, consultation ...).")
    status: str | None = Field(default=None, description="The action's status after the change.")
    due_at: datetime | None = Field(default=None, description="When the action is due, if it has a date.")
    url: AnyUrl = Field(description="Absolute URL of the action in the API.")
    incident_url: AnyUrl = Field(description="Absolute URL of the incident in the API.")


class RecordingViolationEventData(ApiModel):
    """A breach of a recording permission was registered; it opened an incident."""

    recording_permission_id: uuid.UUID
    violation_id: uuid.UUID
    incident_id: uuid.UUID
    reference: str = Field(description="The reference of the incident the violation opened.")
    kinds: list[str] = Field(description="What was breached (published, beyond_scope ...).")
    url: AnyUrl = Field(description="Absolute URL of the recording permission in the API.")
    violations_url: AnyUrl = Field(description="Absolute URL of the permission's violations.")
    incident_url: AnyUrl = Field(description="Absolute URL of the incident in the API.")


class PingEventData(ApiModel):
    """A test message, sent on request to one subscription."""

    webhook_subscription_id: uuid.UUID
    url: AnyUrl = Field(description="Absolute URL of the subscription in the API.")


DATA_MODELS: dict[str, type[ApiModel]] = {
    "incident.created": IncidentEventData,
    "incident.updated": IncidentEventData,
    "incident.closed": IncidentEventData,
    "evidence.added": EvidenceEventData,
    "evidence.verification_failed": EvidenceEventData,
    "evidence.updated": EvidenceEventData,
    "evidence.removed": EvidenceEventData,
    "evidence.legal_hold_set": EvidenceEventData,
    "evidence.legal_hold_released": EvidenceEventData,
    "takedown.created": TakedownEventData,
    "takedown.status_changed": TakedownEventData,
    "action.created": ActionEventData,
    "action.updated": ActionEventData,
    "action.done": ActionEventData,
    "action.due": ActionEventData,
    "recording_permission.violation": RecordingViolationEventData,
    PING: PingEventData,
}

DESCRIPTIONS: dict[str, str] = {
    "incident.created": "An incident was reported.",
    "incident.updated": "An incident changed: any field, its status, and also when it is closed or "
    "reopened (closing sends incident.updated and incident.closed).",
    "incident.closed": "An incident was closed (sent after incident.updated).",
    "evidence.added": "Evidence was added to an incident.",
    "evidence.verification_failed": "A stored evidence item no longer matches its SHA-256 or is missing.",
    "evidence.updated": "What is known about an evidence item changed (kind, capture time, source ...).",
    "evidence.removed": "An evidence item's content was removed at the end of its retention period.",
    "evidence.legal_hold_set": "An evidence item was put under legal hold.",
    "evidence.legal_hold_released": "The legal hold of an evidence item was released.",
    "takedown.created": "A takedown request was drafted for an incident.",
    "takedown.status_changed": "A takedown request changed status (sent, answered, escalated ...).",
    "action.created": "A handling step (action) was added to an incident.",
    "action.updated": "An action changed: any field, its status (also when it is done or waived).",
    "action.done": "An action was marked done (sent after action.updated).",
    "action.due": "An action is due soon (the reminder).",
    "recording_permission.violation": "A breach of a recording permission was registered; it "
    "opened an incident (incident.created is sent as well).",
    PING: "A test message, sent on request (POST .../pings) to one subscription only.",
}


def _model_name(event_type: str) -> str:
    """incident.created -> IncidentCreatedEvent; recording_permission.violation -> ...ViolationEvent."""
    words = event_type.replace(".", "_").split("_")
    return "".join(w.capitalize() for w in words) + "Event"


def _event_model(event_type: str) -> type[ApiModel]:
    model = create_model(
        _model_name(event_type),
        __base__=ApiModel,
        type=(Literal[event_type], Field(description="The event type.")),  # type: ignore[arg-type]
        timestamp=(datetime, Field(description="When the event happened (UTC).")),
        data=(DATA_MODELS[event_type], ...),
    )
    model.__doc__ = DESCRIPTIONS[event_type]
    return model


EVENT_MODELS: dict[str, type[ApiModel]] = {t.value: _event_model(t.value) for t in DeliveryEventType}


def build(event_type: str, **values: Any) -> dict[str, Any]:
    """The `data` of an event, checked against its model, as JSON (camelCase)."""
    return DATA_MODELS[event_type].model_validate(values).model_dump(mode="json", by_alias=True)


def incident(incident: Any) -> dict[str, Any]:
    """The data of incident events."""
    return build(
        "incident.created",
        incident_id=incident.id,
        reference=incident.reference,
        status=incident.status,
        version=incident.version,
        url=api_url(f"/incidents/{incident.id}"),
    )
