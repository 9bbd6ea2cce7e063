"""A web capture: one URL loaded by the server's browser and stored as three evidence items."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow


class CaptureStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class CaptureReason(StrEnum):
    """Why a capture failed, in words a case handler can act on (the UI translates them)."""

    address_refused = "address_refused"  # the URL, a redirect or the page led to an internal address
    dns_failed = "dns_failed"
    tls_failed = "tls_failed"
    connection_failed = "connection_failed"
    http_error = "http_error"  # the page answered 4xx/5xx (httpStatus says which)
    timeout = "timeout"
    too_large = "too_large"
    browser_unavailable = "browser_unavailable"
    storage_failed = "storage_failed"
    internal_error = "internal_error"


class Capture(SQLModel, table=True):
    __tablename__ = "web_capture"
    __table_args__ = (
        Index(
            "ix_web_capture_org_incident_requested", "organisation_id", "incident_id", "requested_at", "id"
        ),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    incident_id: uuid.UUID = Field(foreign_key="incident.id")
    url: str = Field(max_length=2048)
    final_url: str | None = Field(default=None, max_length=2048)
    http_status: int | None = None
    status: str = Field(default=CaptureStatus.queued.value, max_length=10)
    reason: str | None = Field(default=None, max_length=30)
    # A technical detail of a failure (no personal data: the exception's message, shortened).
    detail: str | None = Field(default=None, max_length=500)
    requested_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    requested_by_client_id: uuid.UUID | None = Field(default=None, foreign_key="api_client.id")
    requested_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    wacz_evidence_id: uuid.UUID | None = Field(default=None, foreign_key="evidence.id")
    screenshot_evidence_id: uuid.UUID | None = Field(default=None, foreign_key="evidence.id")
    metadata_evidence_id: uuid.UUID | None = Field(default=None, foreign_key="evidence.id")
