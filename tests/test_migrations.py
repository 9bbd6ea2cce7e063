"""The schema comes only from the migrations, and it is exactly the models' schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from app.migrate import downgrade, include_object, upgrade
from app.models import metadata
from tests.fixtures.databases import temporary_postgres_database
from tests.fixtures.postgres import unavailable


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path, postgres_admin_url) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    if postgres_admin_url is None:
        unavailable("no PostgreSQL server for the tests")
    with temporary_postgres_database(postgres_admin_url) as url:
        yield url


def schema_differences(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            opts = {"compare_type": True, "include_object": include_object(conn.dialect.name)}
            context = MigrationContext.configure(conn, opts=opts)
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_migrations_give_exactly_the_models_schema(empty_database_url):
    upgrade(empty_database_url)
    assert schema_differences(empty_database_url) == []


def test_downgrade_to_base_and_upgrade_again_round_trips(empty_database_url):
    upgrade(empty_database_url)
    downgrade(empty_database_url, "base")
    assert table_names(empty_database_url) == set()
    upgrade(empty_database_url)
    assert schema_differences(empty_database_url) == []
    assert table_names(empty_database_url) == set(metadata.tables)


def test_migration_history_is_linear():
    from alembic.script import ScriptDirectory

    from app.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1, "chain the migrations: one head only"
