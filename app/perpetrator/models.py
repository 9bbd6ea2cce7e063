"""Perpetrator records: who is behind incidents, kept per organisation."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow


class Perpetrator(SQLModel, table=True):
    __tablename__ = "perpetrator"
    __table_args__ = (
        Index("ix_perpetrator_org_created", "organisation_id", "created_at", "id"),
        Index("ix_perpetrator_org_updated", "organisation_id", "updated_at", "id"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    name: str | None = Field(default=None, max_length=200)
    account_handles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    relation: str | None = Field(default=None, max_length=30)
    notes: str = Field(default="", max_length=4000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Changes with every change visible in its API view: the record, its incident links, the signal.
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
