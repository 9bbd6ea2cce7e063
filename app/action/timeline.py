"""An incident's timeline: its changes, evidence, actions and takedown events in time order."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import column, inspect, table
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from app.action.models import Action
from app.audit.models import AuditEvent
from app.incident.models import Incident
from app.schemas import ApiModel
from app.takedown.models import TakedownRequest

Source = Literal["incident", "evidence", "action", "takedown"]
SOURCE_BY_OBJECT: dict[str, Source] = {
    "incident": "incident",
    "action": "action",
    "takedown_request": "takedown",
    "evidence": "evidence",
}
MAX_ENTRIES = 2000


class TimelineActor(ApiModel):
    """Who caused the entry."""

    kind: str
    id: str | None
    label: str | None


class TimelineEntry(ApiModel):
    """One event in the handling of an incident."""

    at: datetime
    source: Source
    event: str = Field(examples=["action.create", "takedown.sent", "evidence.upload"])
    object_type: str
    object_id: str
    actor: TimelineActor | None
    details: dict[str, Any]


class Timeline(ApiModel):
    """An incident's history, oldest first."""

    incident_id: uuid.UUID
    items: list[TimelineEntry]
    truncated: bool = Field(description=f"True when more than {MAX_ENTRIES} entries exist.")


def _evidence_rows(session: Session, incident_id: uuid.UUID) -> list[TimelineEntry]:
    """An entry per evidence item of the incident (when the evidence table exists)."""
    if not inspect(session.connection()).has_table("evidence"):
        return []
    columns = {c["name"] for c in inspect(session.connection()).get_columns("evidence")}
    at_column = next((c for c in ("uploaded_at", "created_at", "captured_at") if c in columns), None)
    if at_column is None or "id" not in columns:
        return []
    wanted: list[Any] = [column("id"), column(at_column), column("source_url")]
    if "kind" in columns:
        wanted.append(column("kind"))
    evidence = table("evidence", *wanted, column("incident_id"))
    rows = session.execute(
        core_select(*wanted).select_from(evidence).where(evidence.c.incident_id == incident_id)
    ).all()
    entries = []
    for row in rows:
        at = row[1]
        if isinstance(at, datetime) and at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        details = {"sourceUrl": row[2]}
        if len(row) > 3:
            details["kind"] = row[3]
        entries.append(
            TimelineEntry(
                at=at,
                source="evidence",
                event="evidence.add",
                object_type="evidence",
                object_id=str(row[0]),
                actor=None,
                details=details,
            )
        )
    return entries


def build(session: Session, *, incident: Incident) -> Timeline:
    """Merge the audit events of the incident, its actions and takedown requests with its evidence."""
    action_ids = session.exec(select(Action.id).where(Action.incident_id == incident.id)).all()
    takedown_ids = session.exec(
        select(TakedownRequest.id).where(TakedownRequest.incident_id == incident.id)
    ).all()
    evidence_entries = _evidence_rows(session, incident.id)
    object_ids = [str(incident.id), *(str(i) for i in action_ids), *(str(i) for i in takedown_ids)]
    events = session.exec(
        select(AuditEvent)
        .where(AuditEvent.chain == str(incident.organisation_id), col(AuditEvent.object_id).in_(object_ids))
        .order_by(col(AuditEvent.seq))
        .limit(MAX_ENTRIES + 1)
    ).all()
    entries = [
        TimelineEntry(
            at=e.at,
            source=SOURCE_BY_OBJECT.get(e.object_type or "", "incident"),
            event=e.action,
            object_type=e.object_type or "incident",
            object_id=e.object_id or "",
            actor=TimelineActor(kind=e.actor_kind, id=e.actor_id, label=e.actor_label),
            details=e.details,
        )
        for e in events[:MAX_ENTRIES]
    ]
    merged = sorted([*entries, *evidence_entries], key=lambda entry: entry.at)
    return Timeline(
        incident_id=incident.id,
        items=merged[:MAX_ENTRIES],
        truncated=len(events) > MAX_ENTRIES or len(merged) > MAX_ENTRIES,
    )
