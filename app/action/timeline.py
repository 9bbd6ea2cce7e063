"""An incident's timeline: its changes, evidence, actions and takedown events in time order."""

from __future__ import annotations

import contextlib
import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import inspect
from sqlalchemy import select as core_select
from sqlmodel import Session, SQLModel, col, select

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
    """An entry per evidence item of the incident (when the evidence package and table exist)."""
    with contextlib.suppress(ImportError):
        import app.evidence.models  # noqa: F401
    evidence = SQLModel.metadata.tables.get("evidence")
    if (
        evidence is None
        or "uploaded_at" not in evidence.c
        or not inspect(session.connection()).has_table("evidence")
    ):
        return []
    rows = session.execute(
        core_select(evidence.c.id, evidence.c.uploaded_at, evidence.c.source_url, evidence.c.kind).where(
            evidence.c.incident_id == incident_id
        )
    ).all()
    return [
        TimelineEntry(
            at=row[1],
            source="evidence",
            event="evidence.add",
            object_type="evidence",
            object_id=str(row[0]),
            actor=None,
            details={"sourceUrl": row[2], "kind": row[3]},
        )
        for row in rows
    ]


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
