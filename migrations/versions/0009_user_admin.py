"""user administration

Revision ID: 0009_user_admin
Revises: 0008_takedown_evidence
Create Date: 2026-12-01 23:45:00.000000
"""

from collections.abc import Sequence

revision: str = "0009_user_admin"
down_revision: str | None = "0008_takedown_evidence"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
