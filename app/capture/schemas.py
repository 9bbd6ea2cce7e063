"""Request and response bodies of the web capture endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from app.capture.models import Capture, CaptureReason, CaptureStatus
from app.incident.schemas import ActorRef
from app.schemas import ApiModel


class CaptureCreate(ApiModel):
    """A URL to capture as evidence of the incident."""

    url: str = Field(
        min_length=1,
        max_length=2048,
        description="The absolute http(s) URL to load; it and every redirect and resource must be "
        "on a public address.",
        examples=["https://social.example/@someone/123"],
    )


class CapturePublic(ApiModel):
    """A web capture: queued, running, done (with its three evidence items) or failed (with a reason)."""

    id: uuid.UUID
    incident_id: uuid.UUID
    url: str = Field(description="The URL as requested.")
    final_url: str | None = Field(description="Where the page ended up after redirects.")
    http_status: int | None = Field(description="The HTTP status of the (final) page.")
    status: CaptureStatus
    reason: CaptureReason | None = Field(
        description="Why the capture failed: address_refused (a private, loopback or reserved address, "
        "also after a redirect), dns_failed, tls_failed, connection_failed, http_error (see "
        "httpStatus), timeout, too_large, browser_unavailable, storage_failed, internal_error."
    )
    detail: str | None = Field(description="A technical detail of the failure.")
    requested_by: ActorRef
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime
    wacz_evidence_id: uuid.UUID | None = Field(description="The WACZ (WARC of every request) item.")
    screenshot_evidence_id: uuid.UUID | None = Field(description="The full-page PNG screenshot item.")
    metadata_evidence_id: uuid.UUID | None = Field(description="The capture metadata (JSON) item.")


def capture_public(capture: Capture) -> CapturePublic:
    """The API view of a capture row."""
    if capture.requested_by_user_id:
        who = ActorRef(kind="user", id=capture.requested_by_user_id)
    elif capture.requested_by_client_id:
        who = ActorRef(kind="apiClient", id=capture.requested_by_client_id)
    else:
        who = ActorRef(kind="system")
    return CapturePublic(
        id=capture.id,
        incident_id=capture.incident_id,
        url=capture.url,
        final_url=capture.final_url,
        http_status=capture.http_status,
        status=CaptureStatus(capture.status),
        reason=CaptureReason(capture.reason) if capture.reason else None,
        detail=capture.detail,
        requested_by=who,
        requested_at=capture.requested_at,
        started_at=capture.started_at,
        finished_at=capture.finished_at,
        updated_at=capture.updated_at,
        wacz_evidence_id=capture.wacz_evidence_id,
        screenshot_evidence_id=capture.screenshot_evidence_id,
        metadata_evidence_id=capture.metadata_evidence_id,
    )
