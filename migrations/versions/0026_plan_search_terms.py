"""preparedness plan: the search terms the monitoring officers use

The VNG/A+O instruction and the VPT web dossier have monitoring officers search social media with
filter terms (the organisation's and employees' names combined with aggression terms). Weerbaar does
not crawl; the plan keeps the terms beside who monitors. Existing plans have none.

Revision ID: 0026_plan_search_terms
Revises: 0025_violation_steps
Create Date: 2026-12-02 05:35:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_plan_search_terms"
down_revision: str | None = "0025_violation_steps"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("preparedness_plan") as batch:
        batch.add_column(sa.Column("search_terms", sa.JSON(), nullable=True))
    op.execute("UPDATE preparedness_plan SET search_terms = '[]'")
    with op.batch_alter_table("preparedness_plan") as batch:
        batch.alter_column("search_terms", existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("preparedness_plan") as batch:
        batch.drop_column("search_terms")
