"""The timestamp token of each evidence item's SHA-256."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, LargeBinary
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow


class TimestampStatus(StrEnum):
    pending = "pending"
    stamped = "stamped"
    failed = "failed"


class EvidenceTimestamp(SQLModel, table=True):
    """The TSA's reply for one evidence item (one row per item, written by the stamping job)."""

    __tablename__ = "evidence_timestamp"
    __table_args__ = (Index("ix_evidence_timestamp_status", "status"),)

    evidence_id: uuid.UUID = Field(foreign_key="evidence.id", primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    # The digest that is (to be) stamped: the item's SHA-256, hex.
    sha256: str = Field(max_length=64)
    status: str = Field(default=TimestampStatus.pending.value, max_length=10)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    # The TSA's reply (TimeStampResp, DER) as received: what `openssl ts -verify -in` reads.
    token: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    gen_time: datetime | None = Field(default=None, sa_type=UTCDateTime)
    tsa_name: str | None = Field(default=None, max_length=500)
    serial: str | None = Field(default=None, max_length=80)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
