"""actions: the form of a contact restriction

Revision ID: 0007_action_restriction
Revises: 0006_integrations
Create Date: 2026-12-01 23:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007_action_restriction"
down_revision: str | None = "0006_integrations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "action", sa.Column("restriction_form", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True)
    )
    op.add_column(
        "action",
        sa.Column("restriction_details", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("action") as batch:
        batch.drop_column("restriction_details")
        batch.drop_column("restriction_form")
