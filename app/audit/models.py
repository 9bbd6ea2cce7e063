"""The append-only audit log, hash-chained with a keyed HMAC (one chain per organisation)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (
        UniqueConstraint("chain", "seq", name="uq_audit_event_chain_seq"),
        Index("ix_audit_event_org_at", "organisation_id", "at"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    # The chain is the organisation id, or "system" for events outside any organisation.
    chain: str = Field(max_length=36)
    seq: int = Field(sa_type=BigInteger)
    organisation_id: uuid.UUID | None = Field(default=None, foreign_key="organisation.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_kind: str = Field(max_length=20)
    actor_id: str | None = Field(default=None, max_length=64)
    actor_label: str | None = Field(default=None, max_length=254)
    action: str = Field(max_length=64, index=True)
    object_type: str | None = Field(default=None, max_length=40)
    object_id: str | None = Field(default=None, max_length=64, index=True)
    result: str = Field(max_length=20)
    origin: str | None = Field(default=None, max_length=100)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    prev_hash: str = Field(max_length=64)
    # HMAC-SHA256 under the key named by key_id; a plain SHA-256 on events written before keying
    # (key_id NULL), which are accepted only before a chain's first keyed event.
    hash: str = Field(max_length=64)
    key_id: str | None = Field(default=None, max_length=16)
