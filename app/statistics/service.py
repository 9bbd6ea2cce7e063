"""Counts and medians about the organisation's incidents: no names, no free text, no ids.

Each incident also counts once under its main behaviour: the gravest of its behaviours by the
organisation's legal pack (default severity, then the pack's order), so a chart of incident types
adds up to the number of incidents instead of the number of behaviours mentioned.

Only the incidents the caller may see count (the need-to-know of the incident list): a count of
incidents kept from someone, narrowed to a short enough window, would single them out. Time to
first action runs from the report to the first recorded handling step; time to
removal from the report to the first takedown request that ended in removal.
"""

from __future__ import annotations

import statistics
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sql_select
from sqlmodel import Session, col

from app.action.models import Action
from app.auth.actor import Actor
from app.export.service import Range
from app.incident import service as incidents
from app.incident.models import Incident, Severity
from app.legal import service as legal
from app.legal.schemas import LegalPackContent
from app.takedown.models import TakedownRequest, TakedownStatus


def _counts(counter: Counter[str]) -> list[dict[str, Any]]:
    return [{"key": key, "count": count} for key, count in sorted(counter.items())]


def _median_hours(deltas: list[float]) -> float | None:
    return round(statistics.median(deltas) / 3600, 1) if deltas else None


def main_behaviour(pack: LegalPackContent, behaviours: list[str]) -> str | None:
    """The gravest behaviour by the pack: its default severity (medium when it names none), then
    criminal before criminal under circumstances before not criminal, then a privacy breach before
    none; between equals the one the pack lists first."""
    order = [b.value for b in pack.behaviours]
    rules = {b.value: r for b, r in pack.behaviours.items()}
    punishable = {"yes": 2, "under_circumstances": 1}

    def rank(behaviour: str) -> tuple[int, int, int, int]:
        rule = rules.get(behaviour)
        if rule is None:
            return (-1, -1, -1, -len(order))
        severity = list(Severity).index(Severity(rule.default_severity or Severity.medium))
        return (severity, punishable.get(rule.punishable, 0), int(rule.privacy), -order.index(behaviour))

    return max(behaviours, key=rank) if behaviours else None


def _pack(session: Session, organisation_id: uuid.UUID) -> LegalPackContent:
    country = legal.pack_country(session, organisation_id)
    stored = legal.get_pack(session, organisation_id=organisation_id, country=country)
    return LegalPackContent.model_validate(legal.effective_content(stored))


def _first_by_incident(
    session: Session, column: Any, incident_column: Any, where: Any
) -> dict[uuid.UUID, datetime]:
    stmt = sql_select(incident_column, func.min(column)).where(where).group_by(incident_column)
    return {row[0]: row[1] for row in session.execute(stmt).all() if row[1] is not None}


def summary(session: Session, *, actor: Actor, span: Range) -> dict[str, Any]:
    """The figures about the incidents the caller may see, in the range (by occurredAt)."""
    stmt = sql_select(
        col(Incident.id),
        col(Incident.occurred_at),
        col(Incident.reported_at),
        col(Incident.behaviours),
        col(Incident.platform),
        col(Incident.derived_classification),
        col(Incident.classification_override),
        col(Incident.status),
    ).where(incidents.need_to_know(actor))
    if span.occurred_from:
        stmt = stmt.where(col(Incident.occurred_at) >= span.occurred_from)
    if span.occurred_to:
        stmt = stmt.where(col(Incident.occurred_at) < span.occurred_to)
    found = session.execute(stmt).all()
    months: Counter[str] = Counter()
    behaviours: Counter[str] = Counter()
    platforms: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    reported: dict[uuid.UUID, datetime] = {}
    month_behaviours: dict[str, Counter[str]] = defaultdict(Counter)
    main: Counter[str] = Counter()
    month_main: dict[str, Counter[str]] = defaultdict(Counter)
    pack = _pack(session, actor.organisation_id)
    month_platforms: dict[str, Counter[str]] = defaultdict(Counter)
    for ident, occurred, reported_at, behaviour_list, platform, derived, override, status in found:
        month = _aware(occurred).astimezone(UTC).strftime("%Y-%m")
        months[month] += 1
        behaviours.update(set(behaviour_list))
        month_behaviours[month].update(set(behaviour_list))
        gravest = main_behaviour(pack, list(behaviour_list))
        if gravest is not None:
            main[gravest] += 1
            month_main[month][gravest] += 1
        platforms[platform] += 1
        month_platforms[month][platform] += 1
        classes.update(set(override or derived))
        statuses[status] += 1
        reported[ident] = reported_at
    org = actor.organisation_id
    first_action = _first_by_incident(
        session, Action.created_at, Action.incident_id, col(Action.organisation_id) == org
    )
    first_removal = _first_by_incident(
        session,
        func.coalesce(TakedownRequest.responded_at, TakedownRequest.updated_at),
        TakedownRequest.incident_id,
        (col(TakedownRequest.organisation_id) == org)
        & (col(TakedownRequest.status) == TakedownStatus.removed.value),
    )

    def deltas(firsts: dict[uuid.UUID, datetime]) -> list[float]:
        return [
            max(0.0, (_aware(at) - reported[i]).total_seconds()) for i, at in firsts.items() if i in reported
        ]

    to_action, to_removal = deltas(first_action), deltas(first_removal)
    return {
        "total": len(found),
        "by_month": _counts(months),
        "by_behaviour": _counts(behaviours),
        "by_main_behaviour": _counts(main),
        "by_platform": _counts(platforms),
        "by_classification": _counts(classes),
        "by_status": _counts(statuses),
        "median_hours_to_first_action": _median_hours(to_action),
        "incidents_with_action": len(to_action),
        "median_hours_to_removal": _median_hours(to_removal),
        "incidents_with_removal": len(to_removal),
        "monthly": [
            {
                "month": month,
                "total": months[month],
                "by_behaviour": _counts(month_behaviours[month]),
                "by_main_behaviour": _counts(month_main[month]),
                "by_platform": _counts(month_platforms[month]),
            }
            for month in _month_keys(span, months)
        ],
    }


def _month_keys(span: Range, counted: Counter[str]) -> list[str]:
    """Every month of a closed range (empty ones too); otherwise the months that have incidents."""
    if not (span.occurred_from and span.occurred_to):
        return sorted(counted)
    start = _aware(span.occurred_from).astimezone(UTC)
    end = _aware(span.occurred_to).astimezone(UTC)
    year, month, keys = start.year, start.month, []
    while (year, month) < (end.year, end.month) or (
        (year, month) == (end.year, end.month) and end > datetime(year, month, 1, tzinfo=UTC)
    ):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = year + month // 12, month % 12 + 1
    return sorted(set(keys) | set(counted))


def _aware(value: datetime) -> datetime:
    """Aggregates bypass the column type on some databases: make the moment UTC-aware again."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
