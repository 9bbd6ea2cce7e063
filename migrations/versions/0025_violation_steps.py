"""recording violations: what staff did when the citizen went on recording

The VNG/A+O instruction: a citizen who records without permission is asked, and if need be summoned,
to stop; one who refuses is asked (and summoned) to leave the building; in public space the employee
leaves. The steps taken are kept with the breach; existing breaches have none.

Revision ID: 0025_violation_steps
Revises: 0024_sanction_takedown
Create Date: 2026-12-02 05:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_violation_steps"
down_revision: str | None = "0024_sanction_takedown"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("recording_violation") as batch:
        batch.add_column(sa.Column("steps", sa.JSON(), nullable=True))
    op.execute("UPDATE recording_violation SET steps = '[]'")
    with op.batch_alter_table("recording_violation") as batch:
        batch.alter_column("steps", existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("recording_violation") as batch:
        batch.drop_column("steps")
