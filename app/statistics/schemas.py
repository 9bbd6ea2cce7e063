"""The body of /statistics."""

from __future__ import annotations

from pydantic import Field

from app.schemas import ApiModel


class Count(ApiModel):
    """How many incidents have this value."""

    key: str = Field(examples=["2026-03"])
    count: int


class MonthFigures(ApiModel):
    """The incidents that occurred in one month, counted as incidents (not as mentions)."""

    month: str = Field(examples=["2026-03"], description="YYYY-MM, UTC, of occurredAt.")
    total: int = Field(description="Incidents that occurred in the month; each counts once.")
    by_behaviour: list[Count] = Field(
        description="Incidents per behaviour: an incident with two behaviours counts once under "
        "each, so these counts can add up to more than total."
    )
    by_main_behaviour: list[Count] = Field(
        description="Incidents per main behaviour (the gravest by the legal pack): each incident "
        "counts once, so these counts add up to total."
    )
    by_platform: list[Count] = Field(description="Incidents per platform (one each): adds up to total.")


class Statistics(ApiModel):
    """Counts and medians for the organisation; no personal data."""

    total: int
    by_month: list[Count] = Field(description="By month of occurrence (YYYY-MM, UTC).")
    by_behaviour: list[Count] = Field(description="An incident counts once for each of its behaviours.")
    by_main_behaviour: list[Count] = Field(
        description="An incident counts once, under its gravest behaviour by the organisation's legal "
        "pack (default severity, then the pack's order): adds up to total."
    )
    by_platform: list[Count]
    by_classification: list[Count] = Field(
        description="The classification in force; an incident counts once per category."
    )
    by_status: list[Count]
    median_hours_to_first_action: float | None = Field(
        description="From the report to the first handling action; null when no incident has one."
    )
    incidents_with_action: int
    median_hours_to_removal: float | None = Field(
        description="From the report to the first takedown request that ended in removal; "
        "null when nothing was removed."
    )
    incidents_with_removal: int
    monthly: list[MonthFigures] = Field(
        description="Per month of occurrence, oldest first, every month of the range (also empty "
        "ones, when both ends are given): what a chart of incidents per month by behaviour and by "
        "platform needs, in one call."
    )
