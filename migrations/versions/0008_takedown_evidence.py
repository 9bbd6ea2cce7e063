"""takedown requests linked to evidence items

Revision ID: 0008_takedown_evidence
Revises: 0007_action_restriction
Create Date: 2026-12-01 23:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_takedown_evidence"
down_revision: str | None = "0007_action_restriction"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "takedown_evidence",
        sa.Column("takedown_request_id", sa.Uuid(), nullable=False),
        sa.Column("evidence_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["takedown_request_id"], ["takedown_request.id"]),
        sa.ForeignKeyConstraint(["evidence_id"], ["evidence.id"]),
        sa.PrimaryKeyConstraint("takedown_request_id", "evidence_id"),
    )
    with op.batch_alter_table("takedown_evidence", schema=None) as batch_op:
        batch_op.create_index("ix_takedown_evidence_evidence", ["evidence_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("takedown_evidence", schema=None) as batch_op:
        batch_op.drop_index("ix_takedown_evidence_evidence")
    op.drop_table("takedown_evidence")
