"""OAuth2 client credentials: API client secrets (with a rotation overlap) and access tokens

A client created before this migration has no secret until an admin rotates it; its static
token keeps working (deprecated).

Revision ID: 0014_oauth_client_credentials
Revises: 0013_webhook_secret_rotation
Create Date: 2026-12-02 02:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = "0014_oauth_client_credentials"
down_revision: str | None = "0013_webhook_secret_rotation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_client") as batch:
        batch.add_column(
            sa.Column("secret_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch.add_column(sa.Column("secret_hint", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch.add_column(sa.Column("secret_created_at", app.db.UTCDateTime(), nullable=True))
        batch.add_column(
            sa.Column("previous_secret_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch.add_column(sa.Column("previous_secret_expires_at", app.db.UTCDateTime(), nullable=True))
    op.create_table(
        "oauth_access_token",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("api_client_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("token_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(), nullable=False),
        sa.Column("expires_at", app.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["api_client_id"], ["api_client.id"]),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_digest"),
    )
    op.create_index("ix_oauth_access_token_api_client_id", "oauth_access_token", ["api_client_id"])
    op.create_index("ix_oauth_access_token_organisation_id", "oauth_access_token", ["organisation_id"])


def downgrade() -> None:
    op.drop_index("ix_oauth_access_token_organisation_id", table_name="oauth_access_token")
    op.drop_index("ix_oauth_access_token_api_client_id", table_name="oauth_access_token")
    op.drop_table("oauth_access_token")
    with op.batch_alter_table("api_client") as batch:
        batch.drop_column("previous_secret_expires_at")
        batch.drop_column("previous_secret_digest")
        batch.drop_column("secret_created_at")
        batch.drop_column("secret_hint")
        batch.drop_column("secret_digest")
