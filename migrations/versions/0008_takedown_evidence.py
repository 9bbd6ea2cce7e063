"""takedown requests linked to evidence items

Revision ID: 0008_takedown_evidence
Revises: 0007_action_restriction
Create Date: 2026-12-01 23:45:00.000000
"""

from collections.abc import Sequence

revision: str = "0008_takedown_evidence"
down_revision: str | None = "0007_action_restriction"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
