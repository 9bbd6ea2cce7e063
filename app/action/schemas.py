"""Request and response bodies of /actions."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field

from app.action.models import ActionKind, ActionStatus, ResponseChannel, RestrictionForm
from app.schemas import ApiModel, PastUtcDatetime, UtcDatetime, cannot_be_cleared

Note = Annotated[str, Field(max_length=4000)]
PackCode = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]


class PoliceReportFiler(ApiModel):
    """An affected employee of the incident who filed the police report (by user id, else by name)."""

    user_id: uuid.UUID | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)


class WarningCode(StrEnum):
    """Non-blocking advice about an action."""

    same_channel = "same_channel"


class _TypeFields(ApiModel):
    """Fields that belong to one kind of action only."""

    police_reference: str | None = Field(
        default=None, min_length=1, max_length=100, description="police_report: the police's reference."
    )
    reported_at: PastUtcDatetime | None = Field(
        default=None, description="police_report: when the report was made."
    )
    channel: ResponseChannel | None = Field(
        default=None,
        description="response_sent: how the organisation responded. The protocol prefers another "
        "channel than the one the aggression came through; the same channel gives a warning.",
    )
    suspended_service: str | None = Field(
        default=None, min_length=1, max_length=500, description="sanction: the service or benefit suspended."
    )
    starts_at: UtcDatetime | None = Field(
        default=None, description="sanction, contact_restriction: start of the period."
    )
    ends_at: UtcDatetime | None = Field(
        default=None, description="sanction, contact_restriction: end of the period (after startsAt)."
    )
    restriction_form: RestrictionForm | None = Field(
        default=None,
        description="contact_restriction (required there): how contact with the sender is limited.",
    )
    restriction_details: str | None = Field(
        default=None,
        min_length=1,
        max_length=1000,
        description="contact_restriction: details of the restriction, e.g. the hours or the one contact.",
    )
    filed_by: list[PoliceReportFiler] | None = Field(
        default=None,
        min_length=1,
        max_length=50,
        description="police_report: the affected employees of the incident who filed it; several make a "
        "collective report. Required to mark it done where the legal pack has the injured employee file "
        "(Denmark).",
    )
    helped_by: uuid.UUID | None = Field(
        default=None, description="police_report: the leader (an active user) who helped to file it."
    )
    police_warning: bool | None = Field(
        default=None,
        description="offender_contact: the offender was told that going on may lead to a police report.",
    )
    aftercare_step: PackCode | None = Field(
        default=None,
        description="aftercare_offer (required there): the code of an aftercare step of the "
        "organisation's legal pack (GET /legal-packs/{country}: handling.aftercare).",
    )
    consulted: PackCode | None = Field(
        default=None,
        description="consultation: the code of a help contact of the organisation's legal pack "
        "(handling.helpContacts) that was consulted.",
    )
    prevention_decision: str | None = Field(
        default=None,
        min_length=1,
        max_length=4000,
        description="work_environment_analysis: what the working-environment group decided on prevention.",
    )


class ActionCreate(_TypeFields):
    """A new handling step of an incident."""

    kind: ActionKind
    takedown_request_id: uuid.UUID | None = Field(
        default=None,
        description="sanction: the request to the sender that was refused or left unanswered (the "
        "Almere protocol suspends services when a removal request is ignored).",
    )
    description: Note = ""
    assignee_id: uuid.UUID | None = None
    due_at: UtcDatetime | None = Field(default=None, description="Not in the past.")
    outcome: Note | None = None


class ActionUpdate(_TypeFields):
    """A partial update (merge patch). status done closes it, waived needs waiverReason."""

    model_config = ConfigDict(json_schema_extra=cannot_be_cleared("description", "status", "waiver_reason"))

    description: Note | None = None
    assignee_id: uuid.UUID | None = None
    due_at: UtcDatetime | None = None
    status: ActionStatus | None = None
    done_at: PastUtcDatetime | None = Field(
        default=None, description="Defaults to now when status becomes done."
    )
    outcome: Note | None = None
    waiver_reason: str | None = Field(
        default=None,
        min_length=3,
        max_length=2000,
        description="Why this step is skipped; only with status waived (case handler or legal).",
    )


class ActionPublic(ApiModel):
    """A handling step as the API shows it."""

    id: uuid.UUID
    incident_id: uuid.UUID
    kind: ActionKind
    status: ActionStatus
    description: str
    assignee_id: uuid.UUID | None
    due_at: datetime | None
    done_at: datetime | None
    outcome: str | None
    police_reference: str | None
    reported_at: datetime | None
    channel: ResponseChannel | None
    suspended_service: str | None
    takedown_request_id: uuid.UUID | None
    starts_at: datetime | None
    ends_at: datetime | None
    restriction_form: RestrictionForm | None
    restriction_details: str | None
    filed_by: list[PoliceReportFiler]
    helped_by: uuid.UUID | None
    police_warning: bool | None
    aftercare_step: str | None
    consulted: str | None
    prevention_decision: str | None
    waiver_reason: str | None
    waived_by: uuid.UUID | None
    waived_at: datetime | None
    warnings: list[str] = Field(
        description="Advice that does not block, e.g. a response on the same channel (English sentences)."
    )
    warning_codes: list[WarningCode] = Field(
        description="The same advice as codes, in the order of warnings, for clients that translate it."
    )
    version: int
    created_at: datetime
    updated_at: datetime
