"""webhook secret rotation: the previous signing secret and the end of its overlap

After a rotation both secrets sign deliveries (two entries in webhook-signature) until
previous_secret_expires_at; then only the new one (app.webhook.delivery).

Revision ID: 0013_webhook_secret_rotation
Revises: 0012_user_email_per_org
Create Date: 2026-12-02 02:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = "0013_webhook_secret_rotation"
down_revision: str | None = "0012_user_email_per_org"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_subscription") as batch:
        batch.add_column(
            sa.Column("previous_sealed_secret", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
        batch.add_column(sa.Column("previous_secret_expires_at", app.db.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("webhook_subscription") as batch:
        batch.drop_column("previous_secret_expires_at")
        batch.drop_column("previous_sealed_secret")
