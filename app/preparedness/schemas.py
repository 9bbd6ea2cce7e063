"""Request and response bodies of /preparedness-plan."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import EmailStr, Field, StringConstraints

from app.schemas import ApiModel


class PlanContact(ApiModel):
    """Someone to call: the coordinator, the confidential adviser, legal, the police liaison, HR."""

    name: str = Field(min_length=1, max_length=200)
    role: str | None = Field(default=None, min_length=1, max_length=200)
    phone: str | None = Field(default=None, min_length=3, max_length=40, pattern=r"^[0-9+()\-. ]+$")
    email: EmailStr | None = None


SearchTerm = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class PreparednessPlanReplace(ApiModel):
    """The whole plan (PUT replaces it)."""

    norm: str = Field(
        default="", max_length=2000, description="The norm, e.g. 'we do not tolerate aggressive messages'."
    )
    monitoring: str = Field(default="", max_length=4000, description="Who monitors social media, and how.")
    response: str = Field(default="", max_length=4000, description="Who responds, when and how.")
    removal_guidance: str = Field(default="", max_length=8000, description="Technical removal guidance.")
    contacts: list[PlanContact] = Field(default_factory=list, max_length=20)
    search_terms: list[SearchTerm] = Field(
        default_factory=list,
        max_length=50,
        description="The filter terms the monitoring officers search social media with (the "
        "organisation's and employees' names combined with aggression terms). Weerbaar does not search "
        "itself: monitoring tools push what they find through POST /incidents.",
    )
    next_review_on: date | None = Field(
        default=None, description="When the norm and plan are evaluated next."
    )


class PreparednessPlanPublic(ApiModel):
    """The organisation's preparedness plan; version 0 until it is first saved."""

    norm: str
    monitoring: str
    response: str
    removal_guidance: str
    contacts: list[PlanContact]
    search_terms: list[str]
    next_review_on: date | None
    review_overdue: bool = Field(
        description="nextReviewOn has passed: the living norm is due for evaluation."
    )
    version: int
    updated_at: datetime | None
