"""the handling facts move onto the incident; the strong-reaction flag; DK packs lose the Dutch rule

incident_handling (perpetrator link, political office holder, repeat signal) becomes columns of
incident, so reading an incident needs no second query; the rows are copied and the table dropped.
The repeat signal also keeps its article (from the organisation's pack: stalking). incident gains
strong_reaction (SafetyNet: a work injury when the employee reacts strongly). A Danish
organisation's stored legal pack that still carries the Dutch political-office-holder exception as
shipped before loses it: the Silkeborg guideline makes no such exception.

Revision ID: 0023_incident_handling_fold
Revises: 0022_web_capture
Create Date: 2026-12-02 04:20:00.000000
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.db

revision: str = "0023_incident_handling_fold"
down_revision: str | None = "0022_web_capture"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The English explanation of the political-office-holder rule the Danish pack shipped with.
SHIPPED_DK_POLITICAL = (
    "The guideline on digital violations covers employees, not elected politicians (mayor, council "
    "members). Threats against them fall under § 119; handle the report through the mayor's office."
)


def upgrade() -> None:
    # Plain ALTER TABLE ... ADD COLUMN, no batch: on SQLite a batch copies the incident table, and
    # dropping the old copy fails while other tables' rows refer to it (foreign keys are on).
    bind = op.get_bind()
    false = sa.false()
    op.add_column(
        "incident", sa.Column("strong_reaction", sa.Boolean(), nullable=False, server_default=false)
    )
    op.add_column(
        "incident", sa.Column("political_office_holder", sa.Boolean(), nullable=False, server_default=false)
    )
    op.add_column("incident", sa.Column("systematic_since", app.db.UTCDateTime(), nullable=True))
    op.add_column(
        "incident",
        sa.Column("systematic_article", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    )
    if bind.dialect.name == "sqlite":
        op.execute("ALTER TABLE incident ADD COLUMN perpetrator_id CHAR(32) REFERENCES perpetrator (id)")
    else:
        op.add_column("incident", sa.Column("perpetrator_id", sa.Uuid(), nullable=True))
        op.create_foreign_key(
            "fk_incident_perpetrator_id", "incident", "perpetrator", ["perpetrator_id"], ["id"]
        )
        op.alter_column("incident", "strong_reaction", server_default=None)
        op.alter_column("incident", "political_office_holder", server_default=None)
    op.create_index("ix_incident_perpetrator_id", "incident", ["perpetrator_id"], unique=False)
    countries = dict(bind.execute(sa.text("SELECT id, legal_pack FROM organisation")).all())
    stalking = {"dk": "Strfl. § 265"}
    rows = bind.execute(
        sa.text(
            "SELECT incident_id, organisation_id, perpetrator_id, political_office_holder, systematic_since "
            "FROM incident_handling"
        )
    ).all()
    # Values go back as the database returned them (raw rows: no type conversion either way).
    for incident_id, organisation_id, perpetrator_id, political, since in rows:
        article = stalking.get(countries.get(organisation_id) or "nl", "Sr 285b") if since else None
        bind.execute(
            sa.text(
                "UPDATE incident SET perpetrator_id = :p, political_office_holder = :h, "
                "systematic_since = :s, systematic_article = :a WHERE id = :i"
            ),
            {"p": perpetrator_id, "h": bool(political), "s": since, "a": article, "i": incident_id},
        )
    op.drop_index("ix_incident_handling_perpetrator_id", table_name="incident_handling")
    op.drop_table("incident_handling")
    packs = bind.execute(sa.text("SELECT id, content FROM legal_pack WHERE country = 'dk'")).all()
    for pack_id, content in packs:
        data = json.loads(content) if isinstance(content, str) else dict(content)
        political = data.get("politicalOfficeHolder") or {}
        if (political.get("explanation") or {}).get("en") == SHIPPED_DK_POLITICAL:
            data["politicalOfficeHolder"] = None
            bind.execute(
                sa.text("UPDATE legal_pack SET content = :c WHERE id = :i").bindparams(
                    sa.bindparam("c", type_=sa.JSON())
                ),
                {"c": data, "i": pack_id},
            )


def downgrade() -> None:
    op.create_table(
        "incident_handling",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("perpetrator_id", sa.Uuid(), nullable=True),
        sa.Column("political_office_holder", sa.Boolean(), nullable=False),
        sa.Column("systematic_since", app.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["perpetrator_id"], ["perpetrator.id"]),
        sa.PrimaryKeyConstraint("incident_id"),
    )
    with op.batch_alter_table("incident_handling", schema=None) as batch:
        batch.create_index(batch.f("ix_incident_handling_perpetrator_id"), ["perpetrator_id"], unique=False)
    op.execute(
        "INSERT INTO incident_handling (incident_id, organisation_id, perpetrator_id, "
        "political_office_holder, systematic_since) SELECT id, organisation_id, perpetrator_id, "
        "political_office_holder, systematic_since FROM incident WHERE perpetrator_id IS NOT NULL "
        "OR political_office_holder OR systematic_since IS NOT NULL"
    )
    op.drop_index("ix_incident_perpetrator_id", table_name="incident")
    columns = (
        "systematic_article",
        "systematic_since",
        "political_office_holder",
        "perpetrator_id",
        "strong_reaction",
    )
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops a column in place (no batch copy of the incident table, which other tables'
        # rows refer to).
        for column in columns:
            op.execute(f"ALTER TABLE incident DROP COLUMN {column}")
        return
    op.drop_constraint("fk_incident_perpetrator_id", "incident", type_="foreignkey")
    for column in columns:
        op.drop_column("incident", column)
