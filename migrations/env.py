"""Alembic environment: the schema is only ever created through these migrations."""

from __future__ import annotations

from alembic import context
from sqlalchemy import pool

from app.db import make_engine
from app.migrate import include_object
from app.models import metadata

config = context.config


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url must be set (see app.migrate.alembic_config)"
    connectable = make_engine(url, poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=include_object(connection.dialect.name),
        )
        with context.begin_transaction():
            context.run_migrations()
    connectable.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `weerbaar migrate`")
run_migrations()
