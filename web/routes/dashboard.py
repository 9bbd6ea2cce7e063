"""The dashboard: a workbench of queues that need someone, then the monthly charts.

Each queue is one API call (made at the same time), plus one call that fetches the incidents the
queue items belong to (for their references and, for police reports, whether it is a death threat).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from web import charts, htmx
from web.client import Api, ApiError
from web.deps import Lang, Session, UserApi
from web.i18n import Language
from web.models import Action, Evidence, Incident, Statistics, Takedown
from web.vocabulary import BEHAVIOURS, PLATFORMS

router = APIRouter(include_in_schema=False)
T = TypeVar("T")
OPEN = ("reported", "in_progress", "monitoring")
HANDLER_ROLES = ("case_handler", "privacy_officer", "legal")
SOON = timedelta(days=7)
TOP = 5
# The dashboard asks each queue for this many items (its count then reads "20+"); a queue's own page
# for a hundred. Fewer items is most of the dashboard's time on a large organisation.
DASHBOARD_SIZE = 20
QUEUE_PAGE = 100
QUEUES = ("unassigned", "police", "my_actions", "takedowns", "integrity", "my_cases")


@dataclass
class Queue:
    """One worklist: what needs someone, its items (most urgent first) and whether there are more."""

    name: str
    items: list[Any] = field(default_factory=list)
    more: bool = False
    visible: bool = True

    @property
    def count(self) -> int:
        return len(self.items)


async def _optional(call: Awaitable[T]) -> T | None:
    """None when the user may not see this list (their role lacks it)."""
    try:
        return await call
    except ApiError as exc:
        if exc.status in (403, 404):
            return None
        raise


def _utc(day: date) -> str:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).isoformat()


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _queue_calls(
    api: Api, me: str, handler: bool, now: datetime, size: int
) -> dict[str, Callable[[], Awaitable[Any]]]:
    """The API call of each queue this user has (not yet made), for up to `size` items each."""
    soon = (now + SOON).isoformat()
    open_statuses = [("status", s) for s in OPEN]
    calls: dict[str, Callable[[], Awaitable[Any]]] = {
        "my_actions": lambda: api.worklist(
            "actions", Action, [("assigneeId", me), ("open", "true"), ("dueBefore", soon)], limit=size
        ),
    }
    if not handler:
        calls["my_cases"] = lambda: api.worklist("incidents", Incident, open_statuses, limit=min(size, 25))
        return calls
    calls.update(
        {
            "unassigned": lambda: api.worklist(
                "incidents", Incident, [("unassigned", "true"), *open_statuses], limit=size
            ),
            "police": lambda: api.worklist(
                "actions", Action, [("kind", "police_report"), ("open", "true")], limit=size
            ),
            "takedowns": lambda: api.worklist(
                "takedown-requests", Takedown, [("answerOverdue", "true")], limit=size
            ),
            "integrity": lambda: api.worklist(
                "evidence", Evidence, [("verification", "mismatch"), ("verification", "missing")], limit=size
            ),
            "my_cases": lambda: api.worklist(
                "incidents", Incident, [("caseHandlerId", me), *open_statuses], limit=min(size, 25)
            ),
        }
    )
    return calls


def _due_key(now: datetime) -> Any:
    return lambda item: (item.due_at is None, item.due_at or now)


async def load_queues(
    api: Api, me: str, *, handler: bool, names: tuple[str, ...] = QUEUES, size: int = QUEUE_PAGE
) -> dict[str, Queue]:
    """The queues, concurrently; then one call for the incidents their items belong to."""
    now = datetime.now(UTC)
    calls = {k: v for k, v in _queue_calls(api, me, handler, now, size).items() if k in names}
    results = await asyncio.gather(*(_optional(c()) for c in calls.values()))
    queues = {name: Queue(name, visible=False) for name in names}
    for name, found in zip(calls, results, strict=True):
        if found is not None:
            queues[name] = Queue(name, items=found[0], more=found[1])
    incidents = {i.id: i for q in queues.values() for i in q.items if isinstance(i, Incident)}
    wanted = [
        i.incident_id
        for q in queues.values()
        for i in q.items
        if not isinstance(i, Incident) and i.incident_id not in incidents
    ]
    wanted = list(dict.fromkeys(wanted))[:100]
    if wanted:
        found_incidents = await _optional(api.worklist("incidents", Incident, [("id", i) for i in wanted]))
        incidents.update({i.id: i for i in (found_incidents or ([], False))[0]})

    def with_incident(items: list[Any]) -> list[tuple[Any, Incident | None]]:
        return [(item, incidents.get(item.incident_id)) for item in items]

    for name in ("police", "my_actions", "takedowns", "integrity"):
        queue = queues.get(name)
        if queue is None or not queue.visible:
            continue
        pairs = with_incident(queue.items)
        if name == "police":
            # Death threats first, then the earliest deadline.
            pairs.sort(
                key=lambda p: (
                    not (p[1] and "death_threat" in p[1].behaviours),
                    p[0].due_at is None,
                    p[0].due_at or now,
                )
            )
        elif name in ("my_actions", "takedowns"):
            pairs.sort(key=lambda p: (p[0].due_at is None, p[0].due_at or now))
        queue.items = pairs
    if "unassigned" in queues and queues["unassigned"].visible:
        # Death threats and high severity first, then the oldest report.
        queues["unassigned"].items.sort(
            key=lambda i: ("death_threat" not in i.behaviours, i.severity != "high", i.reported_at)
        )
    return queues


async def _statistics(api: Api, months: list[date]) -> Statistics | None:
    """The twelve months' figures in one call (None when the user may not see statistics)."""
    return await _optional(
        api.statistics(occurred_from=_utc(months[0]), occurred_to=_utc(_next_month(months[-1])))
    )


def _charts(lang: Language, stats: Statistics) -> tuple[charts.Chart, charts.Chart]:
    today = datetime.now(UTC).date()
    by_behaviour: Counter[tuple[date, str]] = Counter()
    by_platform: Counter[tuple[date, str]] = Counter()
    for figures in stats.monthly:
        year, month = (int(part) for part in figures.month.split("-"))
        first = date(year, month, 1)
        # Each incident once, under its gravest behaviour: the bars add up to the incidents.
        for count in figures.by_main_behaviour:
            by_behaviour[(first, count.key)] += count.count
        for count in figures.by_platform:
            by_platform[(first, count.key)] += count.count
    common: dict[str, Any] = {
        "today": today,
        "month_label": lang.month,
        "short_month": lang.short_month,
        "other": lang.gettext("Other"),
    }
    return (
        charts.from_counts(by_behaviour, label=lambda c: lang.gettext(BEHAVIOURS.get(c, c)), **common),
        charts.from_counts(by_platform, label=lambda c: lang.gettext(PLATFORMS.get(c, c)), **common),
    )


@router.get("/")
async def dashboard(request: Request, api: UserApi, lang: Lang, session: Session) -> Response:
    """What needs someone now, then what is happening."""
    assert session.user is not None
    handler = session.has_role(*HANDLER_ROLES)
    months = charts.last_months(datetime.now(UTC).date())
    queues, stats = await asyncio.gather(
        load_queues(api, session.user.id, handler=handler, size=DASHBOARD_SIZE), _statistics(api, months)
    )
    by_behaviour = by_platform = None
    if stats is not None:
        by_behaviour, by_platform = _charts(lang, stats)
    context = {
        "handler": handler,
        "queues": queues,
        "stats": stats,
        "counts": Counter({c.key: c.count for c in stats.by_status}) if stats else Counter(),
        "by_behaviour": by_behaviour,
        "by_platform": by_platform,
        "now": datetime.now(UTC),
        "top": TOP,
    }
    return htmx.render(request, "dashboard.html", context)


@router.get("/queues/{name}")
async def queue_page(request: Request, name: str, api: UserApi, session: Session) -> Response:
    """All items of one queue (up to a hundred), most urgent first."""
    assert session.user is not None
    if name not in QUEUES:
        raise HTTPException(404)
    handler = session.has_role(*HANDLER_ROLES)
    queues = await load_queues(api, session.user.id, handler=handler, names=(name,))
    if not queues[name].visible:
        raise HTTPException(404)
    context = {"queue": queues[name], "now": datetime.now(UTC), "top": QUEUE_PAGE, "handler": handler}
    return htmx.render(request, "queue.html", context)
