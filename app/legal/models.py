"""Legal packs as editable data (one copy per organisation and country)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow


class LegalPack(SQLModel, table=True):
    """One organisation's copy of its country's legal pack, seeded from app/legal/packs/."""

    __tablename__ = "legal_pack"
    __table_args__ = (UniqueConstraint("organisation_id", "country", name="uq_legal_pack_org_country"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    country: str = Field(max_length=2)
    content: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
