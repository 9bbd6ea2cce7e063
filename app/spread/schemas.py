"""Request and response bodies of /spread-items and /url-rechecks."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field

from app.schemas import ApiModel, HttpUrlStr, PastUtcDatetime, cannot_be_cleared
from app.spread.models import Coverage, RecheckOutcome, RecheckStatus, SpreadKind


class SpreadItemCreate(ApiModel):
    """A copy or repost of the incident's content, found later."""

    url: HttpUrlStr = Field(description="Where the copy or repost is.")
    kind: SpreadKind
    platform: str | None = Field(default=None, min_length=1, max_length=100)
    reach: int | None = Field(
        default=None, ge=0, le=10_000_000_000, description="Views, shares or followers, as far as known."
    )
    note: str | None = Field(default=None, min_length=1, max_length=2000)
    found_at: PastUtcDatetime | None = Field(default=None, description="When it was found; defaults to now.")


class SpreadItemUpdate(ApiModel):
    """A merge patch of a spread item."""

    model_config = ConfigDict(json_schema_extra=cannot_be_cleared("url", "kind", "found_at"))

    url: HttpUrlStr | None = None
    kind: SpreadKind | None = None
    platform: str | None = Field(default=None, min_length=1, max_length=100)
    reach: int | None = Field(default=None, ge=0, le=10_000_000_000)
    note: str | None = Field(default=None, min_length=1, max_length=2000)
    found_at: PastUtcDatetime | None = None


class SpreadItemPublic(ApiModel):
    """A copy or repost, with the takedown requests that name its URL."""

    id: uuid.UUID
    incident_id: uuid.UUID
    url: str
    kind: SpreadKind
    platform: str | None
    reach: int | None
    note: str | None
    found_at: datetime
    coverage: Coverage = Field(
        description="not_covered: no takedown request (other than withdrawn ones) names the URL; "
        "requested: one does, none has led to removal yet; removed: one was answered removed."
    )
    takedown_request_ids: list[uuid.UUID] = Field(
        description="The incident's takedown requests (not withdrawn) whose URLs include this one."
    )
    version: int
    created_at: datetime
    updated_at: datetime


class TakedownCoverage(ApiModel):
    """Add the spread item's URL to a draft takedown request of the same incident."""

    takedown_request_id: uuid.UUID


class UrlRecheckCreate(ApiModel):
    """Watch a removed URL: check it every intervalDays until endsAt (default 90 days)."""

    url: HttpUrlStr
    interval_days: int = Field(default=7, ge=1, le=90)
    duration_days: int = Field(default=90, ge=1, le=730, description="How long to keep checking.")
    takedown_request_id: uuid.UUID | None = Field(
        default=None, description="The takedown request that had it removed, if any."
    )


class UrlRecheckUpdate(ApiModel):
    """Stop or resume a re-check, or change its interval."""

    model_config = ConfigDict(json_schema_extra=cannot_be_cleared("status", "interval_days"))

    status: Literal["active", "stopped"] | None = Field(
        default=None, description="Stop or resume (ended is set by the system when the period is over)."
    )
    interval_days: int | None = Field(default=None, ge=1, le=90)


class UrlRecheckResultPublic(ApiModel):
    """One check of the URL."""

    id: uuid.UUID
    checked_at: datetime
    outcome: RecheckOutcome
    http_status: int | None
    detail: str | None
    scheduled: bool = Field(description="True: by the job runner; false: checked now by a person.")


class UrlRecheckPublic(ApiModel):
    """A re-check of a removed URL and its latest results (newest first, at most 20)."""

    id: uuid.UUID
    incident_id: uuid.UUID
    takedown_request_id: uuid.UUID | None
    url: str
    interval_days: int
    ends_at: datetime
    next_check_at: datetime | None
    status: RecheckStatus
    last_checked_at: datetime | None
    last_outcome: RecheckOutcome | None
    results: list[UrlRecheckResultPublic]
    version: int
    created_at: datetime
    updated_at: datetime
