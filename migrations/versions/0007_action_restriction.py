"""actions: the form of a contact restriction

Revision ID: 0007_action_restriction
Revises: 0006_integrations
Create Date: 2026-12-01 23:45:00.000000
"""

from collections.abc import Sequence

revision: str = "0007_action_restriction"
down_revision: str | None = "0006_integrations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
