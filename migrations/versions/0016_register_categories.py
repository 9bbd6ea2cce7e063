"""register categories as enums: known spellings mapped, the rest cleared with an audit note

girCategory and safetynetCategory were free text and went into the GIR and SafetyNet exports as
typed. They are now the register's own category names (app.incident.models.GirCategory and
SafetynetCategory). A stored value that is a known spelling of one of them (other capitals,
spaces, punctuation, the English or the single-word form) becomes that category; any other value
is cleared, so the export derives the category again, and the incident's audit chain records the
value that was cleared (action incident.update, details.cleared).

Revision ID: 0016_register_categories
Revises: 0015_sync_updated_at
Create Date: 2026-12-02 02:40:00.000000
"""

import re
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_register_categories"
down_revision: str | None = "0015_sync_updated_at"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERBAL_AGGRESSION = "(non-)verbale agressie"
PERSONAL_THREAT = "persoonlijke bedreiging"
MINOR_VIOLENCE = "mindre vold, trusler og anden krænkende adfærd"
WORK_INJURY = "arbejdsskade"

# Spellings as normalised by _key (case-folded, only letters, digits and single spaces).
KNOWN = {
    "gir_category": {
        "nonverbale agressie": VERBAL_AGGRESSION,
        "non verbale agressie": VERBAL_AGGRESSION,
        "verbale agressie": VERBAL_AGGRESSION,
        "agressie": VERBAL_AGGRESSION,
        "nonverbal aggression": VERBAL_AGGRESSION,
        "non verbal aggression": VERBAL_AGGRESSION,
        "verbal aggression": VERBAL_AGGRESSION,
        "verbal_aggression": VERBAL_AGGRESSION,
        "persoonlijke bedreiging": PERSONAL_THREAT,
        "bedreiging": PERSONAL_THREAT,
        "personal threat": PERSONAL_THREAT,
        "personal_threat": PERSONAL_THREAT,
    },
    "safetynet_category": {
        "mindre vold trusler og anden krænkende adfærd": MINOR_VIOLENCE,
        "mindre vold trusler og anden krænkende adfaerd": MINOR_VIOLENCE,
        "mindre vold": MINOR_VIOLENCE,
        "minor violence": MINOR_VIOLENCE,
        "minor_violence": MINOR_VIOLENCE,
        "arbejdsskade": WORK_INJURY,
        "arbejdsskader": WORK_INJURY,
        "work injury": WORK_INJURY,
        "work_injury": WORK_INJURY,
    },
}
FIELDS = {"gir_category": "girCategory", "safetynet_category": "safetynetCategory"}


def _key(value: str) -> str:
    return " ".join(re.sub(r"[^\w ]+", "", value.casefold().replace("-", " ")).split())


def upgrade() -> None:
    bind = op.get_bind()
    incidents = sa.table(
        "incident",
        sa.column("id", sa.Uuid()),
        sa.column("organisation_id", sa.Uuid()),
        sa.column("gir_category", sa.String()),
        sa.column("safetynet_category", sa.String()),
    )
    valid = {
        "gir_category": {VERBAL_AGGRESSION, PERSONAL_THREAT},
        "safetynet_category": {MINOR_VIOLENCE, WORK_INJURY},
    }
    cleared: list[tuple[uuid.UUID, uuid.UUID, dict[str, str]]] = []
    rows = bind.execute(
        sa.select(incidents).where(
            sa.or_(incidents.c.gir_category.is_not(None), incidents.c.safetynet_category.is_not(None))
        )
    ).all()
    for row in rows:
        changes: dict[str, str | None] = {}
        gone: dict[str, str] = {}
        for column in FIELDS:
            value = getattr(row, column)
            if value is None or value in valid[column]:
                continue
            mapped = KNOWN[column].get(_key(value))
            changes[column] = mapped
            if mapped is None:
                gone[FIELDS[column]] = value
        if changes:
            bind.execute(incidents.update().where(incidents.c.id == row.id).values(**changes))
        if gone:
            cleared.append((row.organisation_id, row.id, gone))
    if cleared:
        _audit(bind, cleared)


def _audit(bind: sa.engine.Connection, cleared: list[tuple[uuid.UUID, uuid.UUID, dict[str, str]]]) -> None:
    """One audit event per incident whose category was cleared, appended to its organisation's chain."""
    # The chain's hash covers the event as the application seals it; sealing needs the audit key.
    from app.audit import keys
    from app.audit.chain import GENESIS, seal
    from app.audit.models import AuditEvent
    from app.db import utcnow

    at_type = AuditEvent.__table__.c.at.type  # type: ignore[attr-defined]
    text = ("chain", "actor_kind", "actor_id", "actor_label", "action", "object_type", "object_id",
            "result", "origin", "prev_hash", "hash", "key_id")  # fmt: skip
    events = sa.table(
        "audit_event",
        sa.column("id", sa.Uuid()),
        sa.column("seq", sa.BigInteger()),
        sa.column("organisation_id", sa.Uuid()),
        sa.column("at", at_type),
        sa.column("details", sa.JSON()),
        *(sa.column(name, sa.String()) for name in text),
    )
    for organisation_id, incident_id, gone in cleared:
        chain = str(organisation_id)
        last = bind.execute(
            sa.select(events.c.seq, events.c.hash)
            .where(events.c.chain == chain)
            .order_by(events.c.seq.desc())
            .limit(1)
        ).first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        event = AuditEvent(
            chain=chain,
            seq=seq,
            organisation_id=organisation_id,
            at=utcnow(),
            actor_kind="system",
            actor_label="migration 0016_register_categories",
            action="incident.update",
            object_type="incident",
            object_id=str(incident_id),
            result="success",
            details={
                "fields": sorted(gone),
                "cleared": gone,
                "reason": "not a GIR or SafetyNet category; the export derives the category",
            },
            prev_hash=prev_hash,
            hash="",
        )
        seal(event, keys.active())
        bind.execute(
            events.insert().values(
                id=event.id,
                chain=event.chain,
                seq=event.seq,
                organisation_id=event.organisation_id,
                at=event.at,
                actor_kind=event.actor_kind,
                actor_id=None,
                actor_label=event.actor_label,
                action=event.action,
                object_type=event.object_type,
                object_id=event.object_id,
                result=event.result,
                origin=None,
                details=event.details,
                prev_hash=event.prev_hash,
                hash=event.hash,
                key_id=event.key_id,
            )
        )


def downgrade() -> None:
    # The mapped values are valid free text as well; cleared values stay in the audit log.
    pass
