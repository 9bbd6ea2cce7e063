"""a sanction names the ignored takedown request it follows

The Almere protocol: when the sender does not remove the content as asked, municipal services may
be suspended. A sanction action keeps the request to the sender that was refused or left unanswered.

Revision ID: 0024_sanction_takedown
Revises: 0023_incident_handling_fold
Create Date: 2026-12-02 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_sanction_takedown"
down_revision: str | None = "0023_incident_handling_fold"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("action") as batch:
        batch.add_column(sa.Column("takedown_request_id", sa.Uuid(), nullable=True))
        batch.create_foreign_key(
            "fk_action_takedown_request_id", "takedown_request", ["takedown_request_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("action") as batch:
        batch.drop_constraint("fk_action_takedown_request_id", type_="foreignkey")
        batch.drop_column("takedown_request_id")
