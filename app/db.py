"""Engine, sessions and the column types shared by every table."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import OperationalError
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC, to the microsecond."""
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    """A new random primary key."""
    return uuid.uuid4()


def conflict_insert(session: Session, table: Any) -> Any:
    """An INSERT into table for the session's database that takes ON CONFLICT clauses."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def insert_unless_present(session: Session, table: Any, *, values: dict[str, Any], key: list[str]) -> None:
    """Insert a row unless one with the same unique key exists: of two concurrent inserts one wins."""
    session.execute(
        conflict_insert(session, table).values(**values).on_conflict_do_nothing(index_elements=key)
    )


def is_reading(session: Session) -> bool:
    """Whether the session's transaction is a read (a GET), which may not write."""
    bind = session.get_bind()
    return isinstance(bind, Engine) and bool(bind.get_execution_options().get(READ_ONLY))


@contextmanager
def beside(session: Session) -> Iterator[Session]:
    """A session for a small write that must not wait for the request's own transaction.

    A read holds no write lock and may not write: the write then goes in a short transaction of
    its own (which the reader's snapshot does not see). Otherwise the request's session itself.
    """
    if not is_reading(session):
        yield session
        return
    bind = session.get_bind()
    assert isinstance(bind, Engine)
    with Session(bind.execution_options(**{READ_ONLY: False})) as writer:
        yield writer
        writer.commit()


def seed_unless_present(session: Session, table: Any, *, values: dict[str, Any], key: list[str]) -> bool:
    """insert_unless_present for rows seeded on first use (legal packs, letter templates).

    True when it was written beside a read, whose snapshot does not see it: the caller then uses
    `values` itself.
    """
    with beside(session) as writer:
        insert_unless_present(writer, table, values=values, key=key)
    return writer is not session


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC: the same on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use timezone-aware UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def is_sqlite(engine_or_url: Engine | str) -> bool:
    """Whether the engine or URL is SQLite (the embedded default)."""
    url = engine_or_url if isinstance(engine_or_url, str) else str(engine_or_url.url)
    return url.startswith("sqlite")


READ_ONLY = "weerbaar_read_only"
WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLAC"})


class ReadOnlyViolation(RuntimeError):
    """Code that only reads (a GET) tried to write: it must be declared as writing."""


def reading(engine: Engine) -> Engine:
    """The engine for a transaction that only reads (on SQLite it takes no write lock).

    Made once per engine (every GET asks for it): a new option engine each time costs a copy of
    the engine's dispatch.
    """
    if engine.get_execution_options().get(READ_ONLY):
        return engine
    reader: Engine | None = getattr(engine, _READER, None)
    if reader is None:
        reader = engine.execution_options(**{READ_ONLY: True})
        setattr(engine, _READER, reader)  # collected with its engine (a plain reference cycle)
    return reader


_READER = "_weerbaar_reader"


# Defaults of the engine's concurrency; the server passes its settings (request_threads,
# db_pool_timeout_seconds, sqlite_busy_timeout_ms).
THREADS = 40
POOL_TIMEOUT_SECONDS = 5.0
BUSY_TIMEOUT_MS = 5000


def make_engine(
    url: str,
    *,
    threads: int = THREADS,
    pool_timeout: float = POOL_TIMEOUT_SECONDS,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    **kwargs: Any,
) -> Engine:
    """An engine for the URL; SQLite gets WAL, foreign keys and serialised write transactions.

    The pool matches the server's concurrency: `threads` connections, as many again in overflow
    (a write beside a read holds two), and a short `pool_timeout`, so that an exhausted pool or
    a stuck SQLite write lock (`busy_timeout_ms`) gives a quick error (503) rather than a stall.
    """
    pool: dict[str, Any] = {"pool_size": threads, "max_overflow": threads, "pool_timeout": pool_timeout}
    if "poolclass" in kwargs:
        pool = {}  # the caller's own pool (e.g. NullPool for a short-lived command)
    if not is_sqlite(url):
        return create_engine(url, pool_pre_ping=True, **(pool | kwargs))
    if url in ("sqlite://", "sqlite:///:memory:"):
        pool = {}  # one in-memory database per connection: no queue pool
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        **(pool | kwargs),
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    writers = WriteQueue()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(READ_ONLY):
            # A reader takes no lock: WAL gives it a snapshot, so readers never queue behind
            # each other or behind a writer.
            conn.exec_driver_sql("BEGIN")
            return
        # This process's writers queue first come, first served (SQLite's own busy handler
        # polls, and under load some waiters starve); a wait past the busy timeout is refused.
        if not writers.acquire(busy_timeout_ms / 1000):
            raise OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))
        conn.info[_HOLDS_WRITE] = True
        try:
            # IMMEDIATE takes the write lock up front: two requests can never both read the
            # audit chain head or a reference counter and then fail to write (SQLITE_BUSY_SNAPSHOT).
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(conn.info)
            raise

    def _release(info: dict[Any, Any]) -> None:
        if info.pop(_HOLDS_WRITE, False):
            writers.release()

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(conn: Any) -> None:
        _release(conn.info)

    @event.listens_for(engine.pool, "checkin")
    @event.listens_for(engine.pool, "invalidate")
    def _on_return(_dbapi_connection: Any, record: Any, *_args: Any) -> None:
        _release(record.info)  # a transaction that ended without commit or rollback

    @event.listens_for(engine, "before_cursor_execute")
    def _no_writes_when_reading(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # A write inside a reader's snapshot could not take the lock safely: refuse it loudly.
        if conn.get_execution_options().get(READ_ONLY) and statement.lstrip()[:6].upper() in WRITES:
            raise ReadOnlyViolation(f"a write in a read-only transaction: {statement[:80]}")

    return engine


_HOLDS_WRITE = "weerbaar_holds_write_lock"


class WriteQueue:
    """A first-come, first-served lock for SQLite's one writer, handed from one holder to the next.

    Acquired and released on different threads (a request's transaction begins in one worker
    thread and commits in another), so it is not tied to a thread.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiting: deque[threading.Event] = deque()

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            turn = threading.Event()
            self._waiting.append(turn)
        if turn.wait(timeout):
            return True
        with self._mutex:
            if turn.is_set():  # handed over just as the wait ended
                return True
            self._waiting.remove(turn)
            return False

    def release(self) -> None:
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().set()  # stays held: the next in line has it now
            else:
                self._held = False


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any exception."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
