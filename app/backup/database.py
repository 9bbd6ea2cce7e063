"""Copying the database out and back in: SQLite's online backup API, or pg_dump and pg_restore.

A copy is one consistent snapshot, taken while the server may be writing. The evidence rows of
that same snapshot tell which objects the backup needs.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, MetaData, create_engine, inspect, literal, select, table, text
from sqlalchemy.engine import make_url

from app.db import is_sqlite

SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"
VERSION_TABLE = "alembic_version"
EVIDENCE_ROWS = text(
    "SELECT id, storage_key, sha256, size, content_type FROM evidence "
    "WHERE storage_key IS NOT NULL ORDER BY storage_key"
)


class DatabaseCopyError(Exception):
    """The database could not be copied out or in; the message says why."""


@dataclass(frozen=True)
class EvidenceRow:
    """An evidence item whose object the backup must hold."""

    evidence_id: str
    key: str
    sha256: str
    size: int
    content_type: str


@dataclass(frozen=True)
class Snapshot:
    """The copied database: its file in the backup, its schema revision and its evidence."""

    kind: str
    filename: str
    revision: str | None
    evidence: list[EvidenceRow]


def kind_of(url: str) -> str:
    """'sqlite' or 'postgresql'."""
    if is_sqlite(url):
        return "sqlite"
    if make_url(url).get_backend_name() == "postgresql":
        return "postgresql"
    raise DatabaseCopyError(f"Backups support SQLite and PostgreSQL, not {make_url(url).drivername}.")


def _sqlite_path(url: str) -> Path:
    name = make_url(url).database
    if not name or name == ":memory:":
        raise DatabaseCopyError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(name)


def _read_snapshot(conn: Connection) -> tuple[str | None, list[EvidenceRow]]:
    tables = set(inspect(conn).get_table_names())
    revision = None
    if VERSION_TABLE in tables:
        revision = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    if "evidence" not in tables:
        return revision, []
    rows = [
        EvidenceRow(str(r.id), str(r.storage_key), str(r.sha256), int(r.size), str(r.content_type))
        for r in conn.execute(EVIDENCE_ROWS)
    ]
    return revision, rows


def copy_out(url: str, directory: Path) -> Snapshot:
    """Copy the database into the directory (one consistent snapshot) and read its evidence rows."""
    if kind_of(url) == "sqlite":
        return _copy_sqlite(url, directory / SQLITE_FILE)
    return _dump_postgres(url, directory / POSTGRES_FILE)


def _copy_sqlite(url: str, target: Path) -> Snapshot:
    source_path = _sqlite_path(url)
    if not source_path.is_file():
        raise DatabaseCopyError(f"There is no database at {source_path}.")
    source = sqlite3.connect(source_path, timeout=30)
    copy = sqlite3.connect(target)
    with closing(source), closing(copy):
        # All pages in one step: one read snapshot, while writers go on in the WAL.
        source.backup(copy)
        # One self-contained file, without -wal/-shm companions.
        copy.execute("PRAGMA journal_mode=DELETE")
    engine = create_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as conn:
            revision, rows = _read_snapshot(conn)
    finally:
        engine.dispose()
    return Snapshot("sqlite", target.name, revision, rows)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI for pg_dump/pg_restore and their environment; the password goes in PGPASSWORD."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(tool: str, args: list[str], env: dict[str, str]) -> None:
    program = shutil.which(tool)
    if program is None:
        raise DatabaseCopyError(f"{tool} was not found; install the PostgreSQL client tools.")
    done = subprocess.run([program, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-5:]
        raise DatabaseCopyError(f"{tool} failed: " + " | ".join(detail))


def _dump_postgres(url: str, target: Path) -> Snapshot:
    conninfo, env = _libpq(url)
    engine = create_engine(url)
    try:
        with engine.connect() as plain:
            conn = plain.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin():
                # pg_dump reads the very snapshot this transaction reads the evidence rows from.
                snapshot_id = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                _run(
                    "pg_dump",
                    ["--format=custom", f"--snapshot={snapshot_id}", f"--file={target}", conninfo],
                    env,
                )
                revision, rows = _read_snapshot(conn)
    finally:
        engine.dispose()
    return Snapshot("postgresql", target.name, revision, rows)


@contextmanager
def _connect(url: str) -> Iterator[Connection]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def tables_with_rows(url: str) -> list[str]:
    """The tables that hold any row (the schema version aside); empty for an empty installation."""
    if kind_of(url) == "sqlite" and not _sqlite_path(url).exists():
        return []
    with _connect(url) as conn:
        names = [n for n in inspect(conn).get_table_names() if n != VERSION_TABLE]
        return [
            name
            for name in sorted(names)
            if conn.execute(select(literal(1)).select_from(table(name)).limit(1)).first() is not None
        ]


def copy_in(kind: str, source: Path, url: str) -> None:
    """Replace the (empty) database at url with the copy in source."""
    if kind != kind_of(url):
        raise DatabaseCopyError(f"This is a {kind} backup; it restores into {kind} only.")
    if kind == "sqlite":
        target = _sqlite_path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        backup_copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        live = sqlite3.connect(target, timeout=30)
        with closing(backup_copy), closing(live):
            backup_copy.backup(live)
        return
    # An empty but migrated database keeps its tables: drop them, then pg_restore makes them again.
    with _connect(url) as conn, conn.begin():
        schema = MetaData()
        schema.reflect(conn)
        schema.drop_all(conn)
    conninfo, env = _libpq(url)
    # Objects belong to the restoring role; no comments, since COMMENT ON EXTENSION needs the
    # extension's owner (a superuser) and can fail the whole restore for an application role.
    _run(
        "pg_restore",
        [
            "--no-owner",
            "--no-privileges",
            "--no-comments",
            "--exit-on-error",
            "--single-transaction",
            "-d",
            conninfo,
            str(source),
        ],
        env,
    )


def revision_of(url: str) -> str | None:
    """The schema revision the database is at."""
    with _connect(url) as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        value = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
        return str(value) if value is not None else None
