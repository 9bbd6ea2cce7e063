"""actions: who filed a police report and who helped, the offender warned, aftercare and consultation

The Danish guideline (Silkeborg) has the injured employee file the police report with the leader's
help, several employees may file one report together, the leader warns the offender of a police
report, aftercare is offered from the legal pack, the organisation's advisers are consulted, and the
working-environment group decides on prevention.

Revision ID: 0017_action_handling_dk
Revises: 0016_register_categories
Create Date: 2026-12-02 04:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017_action_handling_dk"
down_revision: str | None = "0016_register_categories"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("action") as batch:
        batch.add_column(sa.Column("filed_by", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("helped_by_user_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("police_warning", sa.Boolean(), nullable=True))
        batch.add_column(
            sa.Column("aftercare_step", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True)
        )
        batch.add_column(sa.Column("consulted", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch.add_column(
            sa.Column("prevention_decision", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True)
        )
        batch.create_foreign_key(
            "fk_action_helped_by_user_id_user_account", "user_account", ["helped_by_user_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("action") as batch:
        batch.drop_constraint("fk_action_helped_by_user_id_user_account", type_="foreignkey")
        batch.drop_column("prevention_decision")
        batch.drop_column("consulted")
        batch.drop_column("aftercare_step")
        batch.drop_column("police_warning")
        batch.drop_column("helped_by_user_id")
        batch.drop_column("filed_by")
