"""Request and response bodies of the evidence endpoints."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from pydantic import ConfigDict, Field
from sqlalchemy.orm import object_session

from app.evidence.models import CustodyEvent, CustodyKind, Evidence, EvidenceKind, VerificationResult
from app.incident.schemas import ActorRef
from app.schemas import ApiModel, HttpUrlStr, PastUtcDatetime, cannot_be_cleared
from app.timestamp.models import EvidenceTimestamp
from app.timestamp.schemas import EvidenceTimestampPublic, timestamp_public

Reason = Annotated[str, Field(min_length=3, max_length=2000)]


class EvidenceCreate(ApiModel):
    """The form fields that accompany an uploaded file (all optional)."""

    kind: EvidenceKind | None = Field(
        default=None, description="What the file is; derived from the content type when absent."
    )
    captured_at: PastUtcDatetime | None = Field(
        default=None, description="When the evidence was captured (screenshot taken, page saved)."
    )
    source_url: HttpUrlStr | None = Field(default=None, description="Where the content was found.")
    account_handle: str | None = Field(
        default=None, min_length=1, max_length=200, description="The account that posted it."
    )
    description: str | None = Field(default=None, max_length=4000)


class EvidenceUpdate(ApiModel):
    """A merge patch of an item's description; null clears an optional field."""

    model_config = ConfigDict(json_schema_extra=cannot_be_cleared("kind"))

    kind: EvidenceKind | None = None
    captured_at: PastUtcDatetime | None = Field(default=None, description="When it was captured.")
    source_url: HttpUrlStr | None = Field(default=None, description="Where the content was found.")
    account_handle: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=4000)


class EvidenceUploadForm(ApiModel):
    """The multipart form of an upload: the file and its description."""

    file: bytes = Field(json_schema_extra={"format": "binary"}, description="The evidence file.")
    kind: EvidenceKind | None = None
    captured_at: datetime | None = None
    source_url: HttpUrlStr | None = None
    account_handle: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=4000)


class EvidencePublic(ApiModel):
    """An evidence item as the API shows it; after removal only its tombstone (with the hash)."""

    id: uuid.UUID
    incident_id: uuid.UUID
    kind: EvidenceKind
    filename: str = Field(description="The uploaded file's base name, made safe.")
    content_type: str = Field(description="Sniffed from the bytes.", examples=["image/png"])
    claimed_content_type: str | None = Field(description="What the client said it was.")
    size: int = Field(description="Bytes.")
    sha256: str = Field(description="SHA-256 of the content, hex.", examples=["e3b0c442" + "0" * 56])
    captured_at: datetime | None
    source_url: str | None
    account_handle: str | None
    description: str
    uploaded_by: ActorRef
    uploaded_at: datetime
    legal_hold: bool
    legal_hold_reason: str | None
    legal_hold_changed_at: datetime | None
    last_verified_at: datetime | None
    last_verification_result: VerificationResult | None
    removed_at: datetime | None = Field(description="Set when removed at the end of retention.")
    removal_reason: str | None
    updated_at: datetime = Field(
        description="Changes with every change of this view (metadata, hold, verification, removal); "
        "the order of the change feed (`sort=updatedAt`)."
    )
    timestamp: EvidenceTimestampPublic = Field(
        description="The trusted timestamp (RFC 3161) of `sha256`; the token itself: "
        "GET /evidence/{evidenceId}/timestamp."
    )


class CustodyActor(ApiModel):
    """Who handled the evidence."""

    kind: str = Field(examples=["user"])
    id: str | None
    label: str | None


class CustodyEventPublic(ApiModel):
    """One event in the chain of custody: who, when, from where, why."""

    id: uuid.UUID
    evidence_id: uuid.UUID
    kind: CustodyKind
    at: datetime
    actor: CustodyActor
    origin: str | None = Field(
        description="The caller's network address; null unless the reader is a case handler, privacy "
        "officer, legal counsel, administrator, auditor or an API client."
    )
    reason: str | None
    details: dict[str, Any]


class LegalHoldChange(ApiModel):
    """Set or release the legal hold, with the reason."""

    active: bool
    reason: Reason


class RemovalCreate(ApiModel):
    """Remove the content at the end of the retention period; a tombstone with the hash stays."""

    reason: Reason


class VerificationPublic(ApiModel):
    """The outcome of re-reading the stored object and recomputing its SHA-256."""

    evidence_id: uuid.UUID
    result: VerificationResult
    expected_sha256: str
    actual_sha256: str | None
    expected_size: int
    actual_size: int | None
    verified_at: datetime


def evidence_public(
    item: Evidence, *, timestamps: Mapping[uuid.UUID, EvidenceTimestamp] | None = None
) -> EvidencePublic:
    """The API view of an evidence row.

    timestamps: the items' timestamp rows when the caller loaded them for a list
    (app.timestamp.service.tokens_for); otherwise the row is read through the item's session.
    """
    if timestamps is not None:
        timestamp = timestamps.get(item.id)
    else:
        session = object_session(item)
        timestamp = session.get(EvidenceTimestamp, item.id) if session is not None else None
    if item.uploaded_by_user_id:
        uploader = ActorRef(kind="user", id=item.uploaded_by_user_id)
    elif item.uploaded_by_client_id:
        uploader = ActorRef(kind="apiClient", id=item.uploaded_by_client_id)
    else:
        uploader = ActorRef(kind="system")
    own = set(EvidencePublic.model_fields) - {"uploaded_by", "timestamp"}
    fields = {name: getattr(item, name) for name in own}
    return EvidencePublic.model_validate(
        {**fields, "uploaded_by": uploader, "timestamp": timestamp_public(timestamp)}
    )


def custody_public(event: CustodyEvent, *, with_origin: bool) -> CustodyEventPublic:
    """The API view of a custody event (the network address only for those who may read it)."""
    return CustodyEventPublic(
        id=event.id,
        evidence_id=event.evidence_id,
        kind=CustodyKind(event.kind),
        at=event.at,
        actor=CustodyActor(kind=event.actor_kind, id=event.actor_id, label=event.actor_label),
        origin=event.origin if with_origin else None,
        reason=event.reason,
        details=event.details,
    )
