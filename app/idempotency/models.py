"""One row per idempotency key: the request it belongs to and, once done, its response."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow


class IdempotencyKey(SQLModel, table=True):
    """A key a caller sent with a POST; the unique constraint decides between concurrent requests."""

    __tablename__ = "idempotency_key"
    __table_args__ = (
        UniqueConstraint("organisation_id", "caller", "key", name="uq_idempotency_key_caller_key"),
        Index("ix_idempotency_key_expires", "expires_at"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    # "apiClient:<id>" or "user:<id>": keys are scoped per caller and organisation.
    caller: str = Field(max_length=60)
    key: str = Field(max_length=255)
    method: str = Field(max_length=10)
    path: str = Field(max_length=2048)
    fingerprint: str = Field(max_length=64)
    status: str = Field(default="in_progress", max_length=12)
    response_status: int | None = None
    response_headers: list[list[str]] | None = Field(default=None, sa_column=Column(JSON))
    response_body: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
