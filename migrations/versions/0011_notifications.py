"""notifications: inbox kinds and params, preferences, the mail outbox, a user's manager

Older notices get the kinds of the notification vocabulary (action.reminder -> action_due,
perpetrator.systematic -> repeat_perpetrator).

Revision ID: 0011_notifications
Revises: 0010_audit_key_id
Create Date: 2026-12-02 02:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = "0011_notifications"
down_revision: str | None = "0010_audit_key_id"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RENAMED = {"action.reminder": "action_due", "perpetrator.systematic": "repeat_perpetrator"}


def upgrade() -> None:
    with op.batch_alter_table("handling_notification") as batch:
        batch.add_column(sa.Column("params", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("delivery", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch.add_column(sa.Column("digested_at", app.db.UTCDateTime(), nullable=True))
    op.create_index(
        "ix_handling_notification_user_unread", "handling_notification", ["user_id", "read_at"], unique=False
    )
    notes = sa.table("handling_notification", sa.column("kind", sa.String))
    for old, new in RENAMED.items():
        op.execute(notes.update().where(notes.c.kind == old).values(kind=new))
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("manager_id", sa.Uuid(), nullable=True))
        batch.create_foreign_key("fk_user_account_manager_id", "user_account", ["manager_id"], ["id"])
    op.create_table(
        "notification_preference",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("delivery", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("user_id", "kind"),
    )
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_user_id", sa.Uuid(), nullable=True),
        sa.Column("recipient_email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(length=8000), nullable=False),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("lease_until", app.db.UTCDateTime(), nullable=True),
        sa.Column("claimed_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("created_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("sent_at", app.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["recipient_user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_mail_outbox_status_next", "mail_outbox", ["status", "next_attempt_at"], unique=False)
    op.create_index(
        "ix_mail_outbox_org_created", "mail_outbox", ["organisation_id", "created_at", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_mail_outbox_org_created", table_name="mail_outbox")
    op.drop_index("ix_mail_outbox_status_next", table_name="mail_outbox")
    op.drop_table("mail_outbox")
    op.drop_table("notification_preference")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_constraint("fk_user_account_manager_id", type_="foreignkey")
        batch.drop_column("manager_id")
    notes = sa.table("handling_notification", sa.column("kind", sa.String))
    for old, new in RENAMED.items():
        op.execute(notes.update().where(notes.c.kind == new).values(kind=old))
    op.drop_index("ix_handling_notification_user_unread", table_name="handling_notification")
    with op.batch_alter_table("handling_notification") as batch:
        batch.drop_column("digested_at")
        batch.drop_column("delivery")
        batch.drop_column("params")
