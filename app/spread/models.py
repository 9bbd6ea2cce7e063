"""Copies and reposts of an incident's post found later, and scheduled re-checks of removed URLs."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow


class SpreadKind(StrEnum):
    """How the content travelled."""

    repost = "repost"  # shared, retweeted, forwarded as it was
    copy = "copy"  # the same text or image posted again, elsewhere or by someone else
    quote = "quote"  # quoted or commented on by another post
    screenshot = "screenshot"  # a screenshot of the original posted


class Coverage(StrEnum):
    """Whether a takedown request covers a URL (derived from the incident's takedown requests)."""

    not_covered = "not_covered"  # no takedown request (other than withdrawn ones) names the URL
    requested = "requested"  # named in a takedown request that has not led to removal (yet)
    removed = "removed"  # a takedown request naming it was answered: removed


class SpreadItem(SQLModel, table=True):
    __tablename__ = "spread_item"
    __table_args__ = (Index("ix_spread_item_incident", "incident_id", "found_at"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    incident_id: uuid.UUID = Field(foreign_key="incident.id")
    url: str = Field(max_length=2048)
    kind: str = Field(max_length=20)
    platform: str | None = Field(default=None, max_length=100)
    reach: int | None = None
    note: str | None = Field(default=None, max_length=2000)
    found_at: datetime = Field(sa_type=UTCDateTime)
    created_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    created_by_client_id: uuid.UUID | None = Field(default=None, foreign_key="api_client.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = 1


class RecheckStatus(StrEnum):
    active = "active"
    stopped = "stopped"  # stopped by a person
    ended = "ended"  # its period is over


class RecheckOutcome(StrEnum):
    still_removed = "still_removed"  # 404, 410 or 451
    back_online = "back_online"  # a 2xx answer: the content (or something at its URL) is back
    inconclusive = "inconclusive"  # another HTTP answer (a redirect, a login wall, a server error)
    unreachable = "unreachable"  # no HTTP answer: unknown host, refused, timed out, not a public address


class UrlRecheck(SQLModel, table=True):
    __tablename__ = "url_recheck"
    __table_args__ = (Index("ix_url_recheck_incident", "incident_id", "created_at"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    organisation_id: uuid.UUID = Field(foreign_key="organisation.id")
    incident_id: uuid.UUID = Field(foreign_key="incident.id")
    takedown_request_id: uuid.UUID | None = Field(default=None, foreign_key="takedown_request.id")
    url: str = Field(max_length=2048)
    interval_days: int = 7
    ends_at: datetime = Field(sa_type=UTCDateTime)
    next_check_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: str = Field(default=RecheckStatus.active.value, max_length=10)
    last_checked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_outcome: str | None = Field(default=None, max_length=20)
    created_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    created_by_client_id: uuid.UUID | None = Field(default=None, foreign_key="api_client.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = 1


class UrlRecheckResult(SQLModel, table=True):
    __tablename__ = "url_recheck_result"
    __table_args__ = (Index("ix_url_recheck_result_recheck", "recheck_id", "checked_at"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    recheck_id: uuid.UUID = Field(foreign_key="url_recheck.id")
    checked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    outcome: str = Field(max_length=20)
    http_status: int | None = None
    detail: str | None = Field(default=None, max_length=500)
    scheduled: bool = True  # False: "check now" by a person
    checked_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
