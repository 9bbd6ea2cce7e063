"""evidence timestamps: the RFC 3161 token of each evidence item's SHA-256

One row per item stored while a Time Stamping Authority is configured (WEERBAAR_TSA_URL): pending
until the stamping job has the TSA's reply, then stamped (the reply's DER, its genTime, the TSA's
name and the token's serial), or failed after every attempt. Items without a row carry the
server's own times only.

Revision ID: 0019_evidence_timestamp
Revises: 0018_police_decision_claims
Create Date: 2026-12-02 04:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = "0019_evidence_timestamp"
down_revision: str | None = "0018_police_decision_claims"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evidence_timestamp",
        sa.Column("evidence_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("token", sa.LargeBinary(), nullable=True),
        sa.Column("gen_time", app.db.UTCDateTime(), nullable=True),
        sa.Column("tsa_name", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("serial", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["evidence_id"], ["evidence.id"]),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("evidence_id"),
    )
    op.create_index("ix_evidence_timestamp_status", "evidence_timestamp", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_evidence_timestamp_status", table_name="evidence_timestamp")
    op.drop_table("evidence_timestamp")
