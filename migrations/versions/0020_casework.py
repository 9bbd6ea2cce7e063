"""casework: witnesses, journal entries, complaints and tracing requests of an incident

Revision ID: 0020_casework
Revises: 0019_evidence_timestamp
Create Date: 2026-12-02 04:40:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = "0020_casework"
down_revision: str | None = "0019_evidence_timestamp"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _owned(*columns: sa.Column) -> list[Any]:
    """The id, organisation and incident columns every table here starts with, and their keys."""
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.PrimaryKeyConstraint("id"),
    ]


def upgrade() -> None:
    op.create_table(
        "incident_witness",
        *_owned(
            sa.Column("name", _text(200), nullable=False),
            sa.Column("phone", _text(40), nullable=True),
            sa.Column("statement", _text(2000), nullable=False),
            sa.Column("created_by_user_id", sa.Uuid(), sa.ForeignKey("user_account.id"), nullable=False),
            sa.Column("created_at", app.db.UTCDateTime(), nullable=False),
        ),
    )
    op.create_index("ix_incident_witness_incident", "incident_witness", ["incident_id", "created_at"])
    op.create_table(
        "journal_entry",
        *_owned(
            sa.Column("happened_at", app.db.UTCDateTime(), nullable=False),
            sa.Column("what", _text(5000), nullable=False),
            sa.Column("place", _text(500), nullable=False),
            sa.Column("people", _text(1000), nullable=False),
            sa.Column("corrects_id", sa.Uuid(), sa.ForeignKey("journal_entry.id"), nullable=True),
            sa.Column("author_user_id", sa.Uuid(), sa.ForeignKey("user_account.id"), nullable=False),
            sa.Column("written_at", app.db.UTCDateTime(), nullable=False),
        ),
    )
    op.create_index("ix_journal_entry_incident", "journal_entry", ["incident_id", "written_at"])
    op.create_table(
        "incident_complaint",
        *_owned(
            sa.Column("subject", _text(2000), nullable=False),
            sa.Column("conversation_at", app.db.UTCDateTime(), nullable=True),
            sa.Column("aggression_addressed", sa.Boolean(), nullable=False),
            sa.Column("agreements", _text(4000), nullable=False),
            sa.Column("outcome", _text(20), nullable=True),
            sa.Column("resolution", _text(4000), nullable=False),
            sa.Column("created_by_user_id", sa.Uuid(), sa.ForeignKey("user_account.id"), nullable=False),
            sa.Column("created_at", app.db.UTCDateTime(), nullable=False),
            sa.Column("decided_by_user_id", sa.Uuid(), sa.ForeignKey("user_account.id"), nullable=True),
            sa.Column("decided_at", app.db.UTCDateTime(), nullable=True),
            sa.Column("updated_at", app.db.UTCDateTime(), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False),
        ),
    )
    op.create_index("ix_incident_complaint_incident", "incident_complaint", ["incident_id", "created_at"])
    op.create_table(
        "tracing_request",
        *_owned(
            sa.Column("channel", _text(20), nullable=False),
            sa.Column("requested_at", app.db.UTCDateTime(), nullable=False),
            sa.Column("reference", _text(200), nullable=False),
            sa.Column("note", _text(2000), nullable=False),
            sa.Column("outcome", _text(20), nullable=False),
            sa.Column("identified_as", _text(200), nullable=True),
            sa.Column("created_by_user_id", sa.Uuid(), sa.ForeignKey("user_account.id"), nullable=False),
            sa.Column("created_at", app.db.UTCDateTime(), nullable=False),
            sa.Column("updated_at", app.db.UTCDateTime(), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False),
        ),
    )
    op.create_index("ix_tracing_request_incident", "tracing_request", ["incident_id", "created_at"])


def downgrade() -> None:
    for table, index in (
        ("tracing_request", "ix_tracing_request_incident"),
        ("incident_complaint", "ix_incident_complaint_incident"),
        ("journal_entry", "ix_journal_entry_incident"),
        ("incident_witness", "ix_incident_witness_incident"),
    ):
        op.drop_index(index, table_name=table)
        op.drop_table(table)
