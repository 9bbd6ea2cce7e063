"""The dashboard: my incidents and actions, blocked takedowns, counts and monthly charts."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web import charts, htmx
from web.client import Api, ApiError
from web.deps import Lang, Session, UserApi
from web.forms import local_to_utc
from web.models import Action, Incident, Takedown
from web.vocabulary import BEHAVIOURS, PLATFORMS

router = APIRouter(include_in_schema=False)
MAX_PAGES = 10
BLOCKED = frozenset({"refused", "no_response", "partially_removed"})


async def _recent_incidents(api: Api, since: datetime) -> tuple[list[Incident], bool]:
    """Incidents of the last twelve months (up to MAX_PAGES pages), and whether more exist."""
    found: list[Incident] = []
    cursor = None
    filters = [("occurredFrom", local_to_utc(since.strftime("%Y-%m-%dT00:00")) or "")]
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
    open_ones = [i for i in incidents if i.status != "closed"][:25]

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

    results = await asyncio.gather(*(of(i) for i in open_ones))
    return [pair for found in results for pair in found]


@router.get("/")
async def dashboard(request: Request, api: UserApi, lang: Lang, session: Session) -> Response:
    """What is due, what is blocked, and what is happening."""
    assert session.user is not None
    today = datetime.now(UTC)
    since = datetime(today.year - 1, today.month, 1, tzinfo=UTC) + timedelta(days=32)
    since = since.replace(day=1)
    (incidents, more), actions = await asyncio.gather(
        _recent_incidents(api, since), _my_actions(api, session.user.id)
    )
    me = session.user.id
    mine = [
        i
        for i in incidents
        if i.status != "closed" and (i.case_handler_id == me or (i.reported_by and i.reported_by.id == me))
    ]
    blocked = await _blocked_takedowns(api, incidents)
    counts = Counter(i.status for i in incidents)
    by_behaviour = charts.monthly(
        ((i.occurred_at, i.behaviours) for i in incidents),
        today=today.date(),
        label=lambda c: lang.gettext(BEHAVIOURS.get(c, c)),
        month_label=lang.month,
        short_month=lang.short_month,
        other=lang.gettext("Other"),
    )
    by_platform = charts.monthly(
        ((i.occurred_at, [i.platform]) for i in incidents),
        today=today.date(),
        label=lambda c: lang.gettext(PLATFORMS.get(c, c)),
        month_label=lang.month,
        short_month=lang.short_month,
        other=lang.gettext("Other"),
    )
    actions_sorted = sorted(actions or [], key=lambda a: (a.due_at is None, a.due_at or today))
    context = {
        "mine": mine[:10],
        "actions": actions_sorted[:10],
        "actions_visible": actions is not None,
        "blocked": blocked,
        "counts": counts,
        "total": len(incidents),
        "more": more,
        "by_behaviour": by_behaviour,
        "by_platform": by_platform,
        "now": today,
    }
    return htmx.render(request, "dashboard.html", context)
