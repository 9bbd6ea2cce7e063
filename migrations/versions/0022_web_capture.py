"""web captures: a URL loaded by the server's browser, kept as WACZ, screenshot and metadata

One row per requested capture: queued, running, done (with its three evidence items) or failed
(with a reason code). The evidence items themselves are ordinary rows of `evidence`.

Revision ID: 0022_web_capture
Revises: 0021_spread_rechecks_plan
Create Date: 2026-12-02 04:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = "0022_web_capture"
down_revision: str | None = "0021_spread_rechecks_plan"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_capture",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=False),
        sa.Column("final_url", sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("requested_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("requested_by_client_id", sa.Uuid(), nullable=True),
        sa.Column("requested_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("started_at", app.db.UTCDateTime(), nullable=True),
        sa.Column("finished_at", app.db.UTCDateTime(), nullable=True),
        sa.Column("updated_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("wacz_evidence_id", sa.Uuid(), nullable=True),
        sa.Column("screenshot_evidence_id", sa.Uuid(), nullable=True),
        sa.Column("metadata_evidence_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["requested_by_client_id"], ["api_client.id"]),
        sa.ForeignKeyConstraint(["requested_by_user_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["wacz_evidence_id"], ["evidence.id"]),
        sa.ForeignKeyConstraint(["screenshot_evidence_id"], ["evidence.id"]),
        sa.ForeignKeyConstraint(["metadata_evidence_id"], ["evidence.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_web_capture_org_incident_requested",
        "web_capture",
        ["organisation_id", "incident_id", "requested_at", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_web_capture_org_incident_requested", table_name="web_capture")
    op.drop_table("web_capture")
