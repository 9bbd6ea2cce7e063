"""Backup tests: a source installation (database x store) and empty installations to restore into."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from pydantic import SecretStr

from app.config import Settings
from tests.fixtures.databases import fresh_sqlite, temporary_postgres_database
from tests.fixtures.postgres import unavailable
from tests.fixtures.s3 import use_s3

# The audit key lives outside the database and the backup: source and target share it.
AUDIT_KEY = "backup-test-audit-key-0123456789abcdef0123456789"


@pytest.fixture
def store_kind(request: pytest.FixtureRequest) -> str:
    """filesystem, unless a test parametrizes it (indirect) with s3."""
    return str(getattr(request, "param", "filesystem"))


@pytest.fixture
def settings(settings: Settings, store_kind: str, request: pytest.FixtureRequest) -> Settings:
    """The source installation's settings: its database, the chosen store, a configured audit key."""
    settings = settings.model_copy(update={"audit_key": SecretStr(AUDIT_KEY)})
    if store_kind == "s3":
        return use_s3(settings, request.getfixturevalue("s3_server"))
    return settings


EmptyInstallation = Callable[..., Settings]


@pytest.fixture
def empty_installation(
    settings: Settings, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[EmptyInstallation]:
    """Settings of a new installation: a fresh database of the source's kind and an empty store.

    migrated=True gives a database that `weerbaar migrate` already set up (tables, no rows).
    """
    with ExitStack() as stack:

        def make(*, store: str, migrated: bool = False) -> Settings:
            data_dir = tmp_path / f"target-{uuid.uuid4().hex[:8]}"
            url: str | None = None
            if settings.effective_database_url.startswith("postgresql"):
                admin_url = request.getfixturevalue("postgres_admin_url")
                if admin_url is None:
                    unavailable("no PostgreSQL server for the tests")
                template = request.getfixturevalue("postgres_template") if migrated else None
                url = stack.enter_context(temporary_postgres_database(admin_url, template=template))
            elif migrated:
                data_dir.mkdir()
                url = fresh_sqlite(request.getfixturevalue("sqlite_template"), data_dir)
            target = settings.model_copy(
                update={"data_dir": data_dir, "database_url": url, "storage_backend": "filesystem"}
            )
            if store == "s3":
                target = use_s3(target, request.getfixturevalue("s3_server"))
            return target

        yield make
