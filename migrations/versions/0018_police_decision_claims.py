"""police assessment per incident and civil-claim particulars per action

The online-aggression guidance: whether to go to the police depends on the context, the reach of
the message, how often it happens and its impact; the decision (report, notify, neither) is recorded
with what was weighed. The Almere protocol and the web dossier: a civil claim for damages (material
and immaterial), by the organisation or by the employee, in a civil procedure or joined to the
criminal case; its claimant, amount and currency.

Revision ID: 0018_police_decision_claims
Revises: 0017_action_handling_dk
Create Date: 2026-12-02 04:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = "0018_police_decision_claims"
down_revision: str | None = "0017_action_handling_dk"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "police_assessment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("context", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("reach", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("impact", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("impact_notes", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("assessed_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("assessed_by_client_id", sa.Uuid(), nullable=True),
        sa.Column("assessed_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.ForeignKeyConstraint(["assessed_by_user_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["assessed_by_client_id"], ["api_client.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("incident_id", name="uq_police_assessment_incident"),
    )
    op.create_table(
        "civil_claim",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("action_id", sa.Uuid(), nullable=False),
        sa.Column("claimant", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("claimant_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("route", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("damage", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("updated_by_user_id", sa.Uuid(), nullable=True),
        sa.Column("updated_by_client_id", sa.Uuid(), nullable=True),
        sa.Column("updated_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["action_id"], ["action.id"]),
        sa.ForeignKeyConstraint(["updated_by_user_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["updated_by_client_id"], ["api_client.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("action_id", name="uq_civil_claim_action"),
    )


def downgrade() -> None:
    op.drop_table("civil_claim")
    op.drop_table("police_assessment")
