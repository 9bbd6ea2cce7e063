"""Request and response bodies of /perpetrators."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import ConfigDict, Field, field_validator, model_validator

from app.incident.models import PerpetratorRelation
from app.schemas import ApiModel, cannot_be_cleared

Handle = Annotated[str, Field(min_length=1, max_length=200)]


class PerpetratorCreate(ApiModel):
    """A perpetrator record: a name if known and/or account handles, and the relation."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    account_handles: list[Handle] = Field(default_factory=list, max_length=20)
    relation: PerpetratorRelation | None = None
    notes: str = Field(default="", max_length=4000)

    @field_validator("account_handles", mode="after")
    @classmethod
    def _dedupe(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(v.strip() for v in values))

    @model_validator(mode="after")
    def _identifiable(self) -> PerpetratorCreate:
        if not (self.name and self.name.strip()) and not self.account_handles:
            raise ValueError("give a name or at least one account handle")
        return self


class PerpetratorPublic(ApiModel):
    """A perpetrator record with the number of incidents linked to it."""

    id: uuid.UUID
    name: str | None
    account_handles: list[str]
    relation: PerpetratorRelation | None
    notes: str
    incident_count: int
    systematic: bool = Field(description="True while it is a repeat perpetrator (possible stalking).")
    created_at: datetime
    updated_at: datetime = Field(
        description="Changes with every change of this view: the record, its incident count, the "
        "signal; the order of the change feed (`sort=updatedAt`)."
    )


class PerpetratorUpdate(ApiModel):
    """A partial update (JSON merge patch): only the keys present change; null clears name or relation."""

    model_config = ConfigDict(json_schema_extra=cannot_be_cleared("account_handles", "notes"))

    name: str | None = Field(default=None, min_length=1, max_length=200)
    account_handles: list[Handle] | None = Field(default=None, max_length=20)
    relation: PerpetratorRelation | None = None
    notes: str | None = Field(default=None, max_length=4000)

    @field_validator("account_handles", mode="after")
    @classmethod
    def _dedupe(cls, values: list[str] | None) -> list[str] | None:
        return list(dict.fromkeys(v.strip() for v in values)) if values is not None else None
