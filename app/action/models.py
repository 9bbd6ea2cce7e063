"""Actions (the handling steps of an incident)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow
from app.notification.models import Notification as HandlingNotification  # noqa: F401 - older name


class ActionKind(StrEnum):
    """The handling steps the protocols name."""

    consultation = "consultation"
    response_sent = "response_sent"
    incident_conversation = "incident_conversation"
    correction = "correction"
    police_report = "police_report"
    summons = "summons"
    summary_proceedings = "summary_proceedings"
    civil_claim = "civil_claim"
    sanction = "sanction"
    contact_restriction = "contact_restriction"
    aftercare_conversation = "aftercare_conversation"
    debriefing = "debriefing"
    work_injury_report = "work_injury_report"
    offender_contact = "offender_contact"
    aftercare_offer = "aftercare_offer"
    work_environment_analysis = "work_environment_analysis"


class ActionStatus(StrEnum):
    open = "open"
    done = "done"
    waived = "waived"


class ResponseChannel(StrEnum):
    """How the organisation responded; the protocol prefers another channel than the aggression's."""

    email = "email"
    letter = "letter"
    phone = "phone"
    meeting = "meeting"
    sms = "sms"
    same_platform = "same_platform"


class RestrictionForm(StrEnum):
    """How contact with the sender is limited for a time (Silkeborg: kontaktforbud in its forms, and
    the frame of the cooperation: time-out, another caseworker, a function mailbox)."""

    no_contact = "no_contact"
    no_phone_contact = "no_phone_contact"
    phone_only = "phone_only"
    appointment_only = "appointment_only"
    limited_hours = "limited_hours"
    no_replies = "no_replies"
    time_out = "time_out"
    new_caseworker = "new_caseworker"
    function_mailbox = "function_mailbox"


class Action(SQLModel, table=True):
    __tablename__ = "action"
    __table_args__ = (
        Index("ix_action_org_created", "organisation_id", "created_at", "id"),
        Index("ix_action_org_updated", "organisation_id", "updated_at", "id"),
        Index("ix_action_incident", "incident_id", "created_at"),
        Index("ix_action_assignee_status", "assignee_id", "status"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    incident_id: uuid.UUID = Field(foreign_key="incident.id")
    kind: str = Field(max_length=30)
    status: str = Field(default=ActionStatus.open.value, max_length=10)
    description: str = Field(default="", max_length=4000)
    assignee_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome: str | None = Field(default=None, max_length=4000)
    police_reference: str | None = Field(default=None, max_length=100)
    reported_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    channel: str | None = Field(default=None, max_length=20)
    suspended_service: str | None = Field(default=None, max_length=500)
    # sanction: the request to the sender that was ignored (Almere protocol: services suspended)
    takedown_request_id: uuid.UUID | None = Field(default=None, foreign_key="takedown_request.id")
    starts_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    restriction_form: str | None = Field(default=None, max_length=20)
    restriction_details: str | None = Field(default=None, max_length=1000)
    # police_report: the affected employees who filed it (one or several: a collective report) and
    # the leader who helped them (Silkeborg: the injured employee files, the leader helps).
    filed_by: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON))
    helped_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    # offender_contact: the offender was told that going on may lead to a police report.
    police_warning: bool | None = None
    # aftercare_offer: the pack's aftercare step offered; consultation: the pack's help contact asked.
    aftercare_step: str | None = Field(default=None, max_length=40)
    consulted: str | None = Field(default=None, max_length=40)
    # work_environment_analysis: what the working-environment group decided on prevention.
    prevention_decision: str | None = Field(default=None, max_length=4000)
    waiver_reason: str | None = Field(default=None, max_length=2000)
    waived_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    waived_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    created_by_client_id: uuid.UUID | None = Field(default=None, foreign_key="api_client.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = 1
