"""copies and reposts of an incident, re-checks of removed URLs, the preparedness plan

The online-aggression guidance: how widely a post spread, so that it is removed everywhere, and
aftercare because posts resurface. Silkeborg's guideline and the VNG handling instruction: a
preparedness plan (the norm, who monitors, who responds, contacts, technical removal guidance).

Revision ID: 0021_spread_rechecks_plan
Revises: 0020_casework
Create Date: 2026-12-02 04:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = "0021_spread_rechecks_plan"
down_revision: str | None = "0020_casework"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

String = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "spread_item",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("url", String(length=2048), nullable=False),
        sa.Column("kind", String(length=20), nullable=False),
        sa.Column("platform", String(length=100), nullable=True),
        sa.Column("reach", sa.Integer(), nullable=True),
        sa.Column("note", String(length=2000), nullable=True),
        sa.Column("found_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("created_by_client_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.ForeignKeyConstraint(["created_by_user_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["created_by_client_id"], ["api_client.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_spread_item_incident", "spread_item", ["incident_id", "found_at"])
    op.create_table(
        "url_recheck",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("takedown_request_id", sa.Uuid(), nullable=True),
        sa.Column("url", String(length=2048), nullable=False),
        sa.Column("interval_days", sa.Integer(), nullable=False),
        sa.Column("ends_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("next_check_at", app.db.UTCDateTime(), nullable=True),
        sa.Column("status", String(length=10), nullable=False),
        sa.Column("last_checked_at", app.db.UTCDateTime(), nullable=True),
        sa.Column("last_outcome", String(length=20), nullable=True),
        sa.Column("created_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("created_by_client_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.ForeignKeyConstraint(["takedown_request_id"], ["takedown_request.id"]),
        sa.ForeignKeyConstraint(["created_by_user_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["created_by_client_id"], ["api_client.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_url_recheck_incident", "url_recheck", ["incident_id", "created_at"])
    op.create_table(
        "url_recheck_result",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("recheck_id", sa.Uuid(), nullable=False),
        sa.Column("checked_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("outcome", String(length=20), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("detail", String(length=500), nullable=True),
        sa.Column("scheduled", sa.Boolean(), nullable=False),
        sa.Column("checked_by_user_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["recheck_id"], ["url_recheck.id"]),
        sa.ForeignKeyConstraint(["checked_by_user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_url_recheck_result_recheck", "url_recheck_result", ["recheck_id", "checked_at"])
    op.create_table(
        "preparedness_plan",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("norm", sa.Text(), nullable=False),
        sa.Column("monitoring", sa.Text(), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("removal_guidance", sa.Text(), nullable=False),
        sa.Column("contacts", sa.JSON(), nullable=False),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("updated_by_user_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["updated_by_user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", name="uq_preparedness_plan_org"),
    )


def downgrade() -> None:
    op.drop_table("preparedness_plan")
    op.drop_index("ix_url_recheck_result_recheck", table_name="url_recheck_result")
    op.drop_table("url_recheck_result")
    op.drop_index("ix_url_recheck_incident", table_name="url_recheck")
    op.drop_table("url_recheck")
    op.drop_index("ix_spread_item_incident", table_name="spread_item")
    op.drop_table("spread_item")
