"""The police decision of an incident (context, reach, frequency, impact) and a civil claim's particulars."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow


class Reach(StrEnum):
    """How far the message reached (online-aggression guidance: "wat is het bereik van het bericht?")."""

    private = "private"  # a direct message or e-mail to one person
    limited = "limited"  # a closed group or a small audience
    public = "public"  # openly readable
    wide = "wide"  # shared on, picked up widely


class Impact(StrEnum):
    """The impact on the employee and the organisation ("en wat is de impact?")."""

    limited = "limited"
    considerable = "considerable"
    severe = "severe"


class PoliceDecision(StrEnum):
    """What the organisation decided: a formal report (aangifte), a notice (melding), or neither."""

    report = "report"
    notify = "notify"
    no_report = "no_report"


class Claimant(StrEnum):
    """Who claims: the organisation (its own damage, e.g. an employee's absence) or the employee."""

    organisation = "organisation"
    employee = "employee"


class ClaimRoute(StrEnum):
    """A civil procedure, or the employee joining the criminal case as injured party."""

    civil_procedure = "civil_procedure"
    criminal_proceedings = "criminal_proceedings"


class DamageKind(StrEnum):
    material = "material"
    immaterial = "immaterial"
    both = "both"


class Currency(StrEnum):
    EUR = "EUR"
    DKK = "DKK"


class PoliceAssessment(SQLModel, table=True):
    """One per incident: what was weighed before going to the police, and the decision."""

    __tablename__ = "police_assessment"
    __table_args__ = (UniqueConstraint("incident_id", name="uq_police_assessment_incident"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    incident_id: uuid.UUID = Field(foreign_key="incident.id")
    context: str = Field(max_length=4000)
    reach: str = Field(max_length=20)
    impact: str = Field(max_length=20)
    impact_notes: str | None = Field(default=None, max_length=2000)
    decision: str = Field(max_length=20)
    reason: str | None = Field(default=None, max_length=2000)
    assessed_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    assessed_by_client_id: uuid.UUID | None = Field(default=None, foreign_key="api_client.id")
    assessed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = 1


class CivilClaim(SQLModel, table=True):
    """The particulars of a civil-claim action: who claims what, through which procedure."""

    __tablename__ = "civil_claim"
    __table_args__ = (UniqueConstraint("action_id", name="uq_civil_claim_action"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    action_id: uuid.UUID = Field(foreign_key="action.id")
    claimant: str = Field(max_length=20)
    claimant_name: str | None = Field(default=None, max_length=200)
    route: str = Field(max_length=30)
    damage: str = Field(max_length=20)
    # In cents (øre): money is never a float.
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    currency: str = Field(max_length=3)
    updated_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    updated_by_client_id: uuid.UUID | None = Field(default=None, foreign_key="api_client.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = 1
