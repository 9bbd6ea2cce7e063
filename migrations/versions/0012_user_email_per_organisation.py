"""user e-mail addresses unique per organisation, not globally

An admin adding a user must not learn that the address is registered in another organisation;
login resolves an address that exists in several organisations (app.auth.service).

Revision ID: 0012_user_email_per_org
Revises: 0011_notifications
Create Date: 2026-12-02 02:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012_user_email_per_org"
down_revision: str | None = "0011_notifications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_constraint("uq_user_account_email", type_="unique")
        batch.create_unique_constraint("uq_user_account_organisation_email", ["organisation_id", "email"])
        batch.create_index("ix_user_account_email", ["email"])


def downgrade() -> None:
    # Fails when an address is registered in several organisations: merge those users first.
    with op.batch_alter_table("user_account") as batch:
        batch.drop_index("ix_user_account_email")
        batch.drop_constraint("uq_user_account_organisation_email", type_="unique")
        batch.create_unique_constraint("uq_user_account_email", ["email"])
