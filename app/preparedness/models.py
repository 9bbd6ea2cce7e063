"""The organisation's preparedness plan (one per organisation)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow


class PreparednessPlan(SQLModel, table=True):
    __tablename__ = "preparedness_plan"
    __table_args__ = (UniqueConstraint("organisation_id", name="uq_preparedness_plan_org"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    norm: str = Field(default="", sa_column=Column(Text, nullable=False))
    monitoring: str = Field(default="", sa_column=Column(Text, nullable=False))
    response: str = Field(default="", sa_column=Column(Text, nullable=False))
    removal_guidance: str = Field(default="", sa_column=Column(Text, nullable=False))
    contacts: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    search_terms: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    next_review_on: date | None = None
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
