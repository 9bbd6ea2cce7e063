"""Shapes of the spread, re-check and preparedness-plan API as the UI reads them."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from web.i18n import N_
from web.models import View


class SpreadItem(View):
    id: str
    incident_id: str
    url: str
    kind: str
    platform: str | None = None
    reach: int | None = None
    note: str | None = None
    found_at: datetime
    coverage: str
    takedown_request_ids: list[str] = Field(default_factory=list)
    version: int = 1


class RecheckResult(View):
    id: str
    checked_at: datetime
    outcome: str
    http_status: int | None = None
    detail: str | None = None
    scheduled: bool = True


class UrlRecheck(View):
    id: str
    incident_id: str
    takedown_request_id: str | None = None
    url: str
    interval_days: int
    ends_at: datetime
    next_check_at: datetime | None = None
    status: str
    last_checked_at: datetime | None = None
    last_outcome: str | None = None
    results: list[RecheckResult] = Field(default_factory=list)
    version: int = 1


class PlanContact(View):
    name: str
    role: str | None = None
    phone: str | None = None
    email: str | None = None


class PreparednessPlan(View):
    norm: str = ""
    monitoring: str = ""
    response: str = ""
    removal_guidance: str = ""
    contacts: list[PlanContact] = Field(default_factory=list)
    search_terms: list[str] = Field(default_factory=list)
    next_review_on: date | None = None
    review_overdue: bool = False
    version: int = 0
    updated_at: datetime | None = None

    @property
    def written(self) -> bool:
        """Whether anything was ever saved."""
        return self.version > 0


# The API's enumerations with their labels (checked against the contract in tests/web/test_enum_coverage.py).
SPREAD_KINDS = {
    "repost": N_("Repost or share"),
    "copy": N_("Copy posted elsewhere"),
    "quote": N_("Quoted or commented on"),
    "screenshot": N_("Screenshot of the post"),
}
COVERAGE = {
    "not_covered": N_("Not yet covered by a takedown"),
    "requested": N_("Removal requested"),
    "removed": N_("Removed"),
}
OUTCOMES = {
    "still_removed": N_("Still removed"),
    "back_online": N_("Back online"),
    "inconclusive": N_("Inconclusive: look yourself"),
    "unreachable": N_("Unreachable"),
}
RECHECK_STATUSES = {
    "active": N_("Active"),
    "stopped": N_("Stopped"),
    "ended": N_("Ended"),
}
