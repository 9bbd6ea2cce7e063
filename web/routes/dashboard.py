"""The dashboard: my incidents and actions, blocked takedowns, counts and monthly charts."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable
from datetime import UTC, date, datetime
from typing import TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web import charts, htmx
from web.client import Api, ApiError
from web.deps import Lang, Session, UserApi
from web.i18n import Language
from web.models import Action, Incident, Statistics, Takedown
from web.vocabulary import BEHAVIOURS, PLATFORMS

router = APIRouter(include_in_schema=False)
T = TypeVar("T")
MAX_PAGES = 10
OPEN = ("reported", "in_progress", "monitoring")
BLOCKED = frozenset({"refused", "no_response", "partially_removed"})
# Requests to the API at once: more only queue up in its thread pool and database.
CONCURRENCY = 4


async def _limited(gate: asyncio.Semaphore, call: Awaitable[T]) -> T:
    async with gate:
        return await call


def _utc(day: date) -> str:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).isoformat()


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


async def _monthly_statistics(api: Api, months: list[date]) -> tuple[Statistics, list[Statistics]] | None:
    """The year's figures and one set per month (None when the user may not see statistics)."""
    try:
        # One call first: users without the statistics permission then cost one request, not 13.
        year = await api.statistics(occurred_from=_utc(months[0]), occurred_to=_utc(_next_month(months[-1])))
    except ApiError as exc:
        if exc.status in (403, 404):
            return None
        raise
    gate = asyncio.Semaphore(CONCURRENCY)
    monthly = await asyncio.gather(
        *(
            _limited(gate, api.statistics(occurred_from=_utc(m), occurred_to=_utc(_next_month(m))))
            for m in months
        )
    )
    return year, list(monthly)


async def _incidents(api: Api, filters: list[tuple[str, str]]) -> tuple[list[Incident], bool]:
    """Incidents matching the filters (up to MAX_PAGES pages), and whether more exist."""
    found: list[Incident] = []
    cursor = None
    for _ in range(MAX_PAGES):
        items, cursor = await api.list_incidents(filters=filters, cursor=cursor, limit=100)
        found.extend(items)
        if cursor is None:
            return found, False
    return found, True


async def _my_actions(api: Api, user_id: str) -> list[Action] | None:
    try:
        return await api.list_actions({"assigneeId": user_id, "open": "true"})
    except ApiError as exc:
        if exc.status in (403, 404):
            return None
        raise


async def _blocked_takedowns(api: Api, incidents: list[Incident]) -> list[tuple[Incident, Takedown]]:
    """Takedown requests that are refused, unanswered or past their due date, on open incidents."""

    async def of(incident: Incident) -> list[tuple[Incident, Takedown]]:
        try:
            items = await api.list_takedowns(incident.id)
        except ApiError as exc:
            if exc.status in (403, 404):
                return []
            raise
        now = datetime.now(UTC)
        return [
            (incident, t)
            for t in items
            if t.status in BLOCKED or (t.status == "sent" and t.due_at is not None and t.due_at < now)
        ]

    gate = asyncio.Semaphore(CONCURRENCY)
    results = await asyncio.gather(*(_limited(gate, of(i)) for i in incidents[:25]))
    return [pair for found in results for pair in found]


def _charts_from_statistics(
    lang: Language, months: list[date], monthly: list[Statistics]
) -> tuple[charts.Chart, charts.Chart]:
    def points(attribute: str) -> list[tuple[datetime, list[str]]]:
        found = []
        for month, stats in zip(months, monthly, strict=True):
            when = datetime(month.year, month.month, 15, tzinfo=UTC)
            for count in getattr(stats, attribute):
                found.extend([(when, [count.key])] * count.count)
        return found

    return _charts(lang, points("by_behaviour"), points("by_platform"))


def _charts(
    lang: Language, behaviours: list[tuple[datetime, list[str]]], platforms: list[tuple[datetime, list[str]]]
) -> tuple[charts.Chart, charts.Chart]:
    today = datetime.now(UTC).date()
    common = {
        "today": today,
        "month_label": lang.month,
        "short_month": lang.short_month,
        "other": lang.gettext("Other"),
    }
    return (
        charts.monthly(behaviours, label=lambda c: lang.gettext(BEHAVIOURS.get(c, c)), **common),  # type: ignore[arg-type]
        charts.monthly(platforms, label=lambda c: lang.gettext(PLATFORMS.get(c, c)), **common),  # type: ignore[arg-type]
    )


@router.get("/")
async def dashboard(request: Request, api: UserApi, lang: Lang, session: Session) -> Response:
    """What is due, what is blocked, and what is happening."""
    assert session.user is not None
    me = session.user.id
    months = charts.last_months(datetime.now(UTC).date())
    (open_incidents, _), actions, figures = await asyncio.gather(
        _incidents(api, [("status", s) for s in OPEN]),
        _my_actions(api, me),
        _monthly_statistics(api, months),
    )
    if figures is not None:
        year, monthly = figures
        counts = Counter({c.key: c.count for c in year.by_status})
        total, more = year.total, False
        by_behaviour, by_platform = _charts_from_statistics(lang, months, monthly)
    else:
        # Without the statistics permission: the incidents this user may see (their own reports).
        recent, more = await _incidents(api, [("occurredFrom", _utc(months[0]))])
        counts = Counter(i.status for i in recent)
        total = len(recent)
        by_behaviour, by_platform = _charts(
            lang,
            [(i.occurred_at, i.behaviours) for i in recent],
            [(i.occurred_at, [i.platform]) for i in recent],
        )
    mine = [
        i for i in open_incidents if i.case_handler_id == me or (i.reported_by and i.reported_by.id == me)
    ]
    blocked = await _blocked_takedowns(api, open_incidents)
    now = datetime.now(UTC)
    context = {
        "mine": mine[:10],
        "actions": sorted(actions or [], key=lambda a: (a.due_at is None, a.due_at or now))[:10],
        "actions_visible": actions is not None,
        "blocked": blocked,
        "counts": counts,
        "total": total,
        "more": more,
        "by_behaviour": by_behaviour,
        "by_platform": by_platform,
        "now": now,
    }
    return htmx.render(request, "dashboard.html", context)
