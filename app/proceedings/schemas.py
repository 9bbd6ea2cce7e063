"""Request and response bodies of the police assessment and the civil claim."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from app.incident.models import Frequency
from app.proceedings.models import Claimant, ClaimRoute, Currency, DamageKind, Impact, PoliceDecision, Reach
from app.schemas import ApiModel

AMOUNT_PATTERN = r"^(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$"


class PoliceAssessmentPut(ApiModel):
    """What was weighed before going to the police, and the decision (replaces the earlier one)."""

    context: str = Field(
        min_length=3,
        max_length=4000,
        description="The context of the message: what preceded it, who it targets, how it reads.",
    )
    reach: Reach = Field(
        description="How far the message reached: private (one person), limited (a closed group), "
        "public (openly readable), wide (shared on widely)."
    )
    impact: Impact = Field(description="The impact on the employee and the organisation.")
    impact_notes: str | None = Field(default=None, min_length=1, max_length=2000)
    decision: PoliceDecision = Field(
        description="report: a formal police report (aangifte / anmeldelse); notify: the police are "
        "informed without a report (melding); no_report: neither (reason required)."
    )
    reason: str | None = Field(
        default=None, min_length=3, max_length=2000, description="Why; required for no_report."
    )


class PoliceAssessmentPublic(ApiModel):
    """The police decision of an incident. frequency is the incident's own (set on the incident)."""

    id: uuid.UUID
    incident_id: uuid.UUID
    context: str
    reach: Reach
    frequency: Frequency | None = Field(description="The incident's frequency, read from the incident.")
    impact: Impact
    impact_notes: str | None
    decision: PoliceDecision
    reason: str | None
    assessed_by: uuid.UUID | None = Field(description="The user who recorded it (null for an API client).")
    assessed_at: datetime
    version: int


class CivilClaimPut(ApiModel):
    """The particulars of a civil-claim action (replaces the earlier ones)."""

    claimant: Claimant = Field(
        description="organisation: its own damage (e.g. an employee's absence); employee: the "
        "employee's damage, including immaterial damage for fear and suffering."
    )
    claimant_name: str | None = Field(
        default=None, min_length=1, max_length=200, description="The employee's name when they claim."
    )
    route: ClaimRoute = Field(
        description="civil_procedure, or criminal_proceedings: the employee joins the criminal case "
        "as injured party."
    )
    damage: DamageKind
    amount: str = Field(
        pattern=AMOUNT_PATTERN,
        description='The amount claimed as a decimal string with at most two decimals, e.g. "1250.00".',
    )
    currency: Currency


class CivilClaimPublic(ApiModel):
    """A civil claim's particulars."""

    id: uuid.UUID
    action_id: uuid.UUID
    incident_id: uuid.UUID
    claimant: Claimant
    claimant_name: str | None
    route: ClaimRoute
    damage: DamageKind
    amount: str = Field(description='Decimal string with two decimals, e.g. "1250.00".')
    currency: Currency
    updated_at: datetime
    version: int
