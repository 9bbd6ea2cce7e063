"""change feeds: updated_at on evidence and perpetrators, (organisation, updated_at, id) indexes

Every collection an integrator mirrors is read by update time (`sort=updatedAt`, `updatedSince`);
evidence and perpetrator records get the column, existing rows the last change known from their
own columns and the custody log.

Revision ID: 0015_sync_updated_at
Revises: 0014_oauth_client_credentials
Create Date: 2026-12-02 02:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_sync_updated_at"
down_revision: str | None = "0014_oauth_client_credentials"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "incident": "ix_incident_org_updated",
    "evidence": "ix_evidence_org_updated",
    "action": "ix_action_org_updated",
    "takedown_request": "ix_takedown_request_org_updated",
    "recording_permission": "ix_recording_permission_org_updated",
    "perpetrator": "ix_perpetrator_org_updated",
}

# Custody events that change what the API shows of an item.
VISIBLE_CUSTODY = "('metadata_changed', 'hold_set', 'hold_released', 'removed', 'verified')"


def upgrade() -> None:
    op.add_column("evidence", sa.Column("updated_at", sa.DateTime(), nullable=True))
    op.add_column("perpetrator", sa.Column("updated_at", sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE evidence SET updated_at = COALESCE((SELECT max(c.at) FROM evidence_custody_event c "
        f"WHERE c.evidence_id = evidence.id AND c.kind IN {VISIBLE_CUSTODY}), uploaded_at)"
    )
    for column in ("uploaded_at", "legal_hold_changed_at", "last_verified_at", "removed_at"):
        op.execute(f"UPDATE evidence SET updated_at = {column} WHERE {column} > updated_at")
    op.execute("UPDATE perpetrator SET updated_at = created_at")
    for table in ("evidence", "perpetrator"):
        with op.batch_alter_table(table) as batch:
            batch.alter_column("updated_at", existing_type=sa.DateTime(), nullable=False)
    for table, name in INDEXES.items():
        op.create_index(name, table, ["organisation_id", "updated_at", "id"])


def downgrade() -> None:
    for table, name in INDEXES.items():
        op.drop_index(name, table_name=table)
    for table in ("evidence", "perpetrator"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("updated_at")
