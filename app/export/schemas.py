"""The bodies of /exports/gir and /exports/safetynet (JSON; CSV has the same columns)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from app.incident.models import (
    Behaviour,
    Classification,
    GirCategory,
    LocationKind,
    Platform,
    SafetynetCategory,
    Severity,
    Status,
)
from app.schemas import ApiModel


class RegisterRow(ApiModel):
    """One incident as the register records it: facts and category, no names or free text."""

    reference: str = Field(examples=["DA-2026-0042"])
    incident_id: uuid.UUID
    register_id: str | None = Field(
        description="The incident's id in this register (from externalReferences), if known."
    )
    category: GirCategory | SafetynetCategory = Field(
        description="The register's category (GirCategory in the GIR export, SafetynetCategory in "
        "the SafetyNet export): the incident's girCategory or safetynetCategory, else derived; "
        "see the README for the mapping."
    )
    work_injury: bool | None = Field(description="SafetyNet only: to be reported as a work injury.")
    occurred_at: datetime
    reported_at: datetime
    behaviours: list[Behaviour]
    classification: list[Classification]
    platform: Platform
    location_kind: LocationKind | None
    severity: Severity
    status: Status
    police_report_required: bool
    affected_employee_count: int
    perpetrator_known: bool
    protocol_not_applicable: bool
    closed_at: datetime | None


class RegisterExport(ApiModel):
    """An export for one register."""

    system: str = Field(examples=["GIR"], description="GIR or SafetyNet.")
    occurred_from: datetime | None
    occurred_to: datetime | None
    generated_at: datetime
    items: list[RegisterRow]
