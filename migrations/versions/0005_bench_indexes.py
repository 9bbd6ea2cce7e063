"""trigram index for the incident list's free-text filter (PostgreSQL only)

Revision ID: 0005
Revises: 0004

`q` is a LIKE '%...%' on incident.search_text. Without an index, a rare term reads every incident
of the organisation (1.6 s at 1M incidents); pg_trgm's GIN index answers it in milliseconds (see
bench/README.md). SQLite has no such index; the model limits the index to PostgreSQL (ddl_if).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index(
        "ix_incident_search_trgm",
        "incident",
        ["search_text"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # The extension stays: other objects may use it, and it holds no data.
    op.drop_index("ix_incident_search_trgm", table_name="incident")
