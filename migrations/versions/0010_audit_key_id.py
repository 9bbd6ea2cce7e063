"""audit events name the HMAC key that sealed them

Events written before this revision keep key_id NULL and their plain SHA-256: they verify as
before, and only before a chain's first keyed event (see README, "Audit log").

Revision ID: 0010_audit_key_id
Revises: 0009_user_admin
Create Date: 2026-12-02 01:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010_audit_key_id"
down_revision: str | None = "0009_user_admin"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("key_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("key_id")
