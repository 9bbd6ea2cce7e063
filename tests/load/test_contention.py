"""Under contention the API answers quickly: 503 with Retry-After when no connection or write lock
can be had in time (never a 500, never a long stall), and a login checks its password without
holding the write lock."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.main import create_app
from app.auth import service as auth_service
from app.config import Settings
from tests.fixtures.factories import SECRET, incident_body, make_tenant

FAST_S = 3.0  # far below the old 30 s stalls, with room for a busy test machine


def _app(database_url: str, tmp_path: Path, **overrides: object):  # type: ignore[no-untyped-def]
    settings = Settings(
        data_dir=tmp_path / "var",
        database_url=database_url,
        secret_key=SecretStr(SECRET),
        run_jobs_in_process=False,
        create_demo=False,
        **overrides,  # type: ignore[arg-type]
    )
    return create_app(settings)


def _assert_busy(response, started: float) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["Retry-After"]) >= 1
    assert time.monotonic() - started < FAST_S


def test_an_exhausted_pool_answers_503_quickly_and_recovers(database_url, tmp_path):
    app = _app(database_url, tmp_path, request_threads=1, db_pool_timeout_seconds=0.3)
    engine = app.state.engine
    tenant = make_tenant(engine, slug="utrecht", roles=("case_handler",))
    client = TestClient(app, raise_server_exceptions=False)
    held = [engine.connect() for _ in range(2)]  # pool_size 1 + overflow 1: none left
    try:
        started = time.monotonic()
        _assert_busy(client.get("/api/v1/incidents", headers=tenant["case_handler"].headers), started)
        started = time.monotonic()
        created = client.post(
            "/api/v1/incidents", json=incident_body(), headers=tenant["case_handler"].headers
        )
        _assert_busy(created, started)
    finally:
        for connection in held:
            connection.close()
    assert client.get("/api/v1/incidents", headers=tenant["case_handler"].headers).status_code == 200
    app.state.engine.dispose()


@pytest.mark.parametrize("holder", ["other-process", "this-process"])
def test_a_held_sqlite_write_lock_answers_503_quickly(holder, sqlite_template, tmp_path):
    from tests.fixtures.databases import fresh_sqlite

    url = fresh_sqlite(sqlite_template, tmp_path)
    app = _app(url, tmp_path, sqlite_busy_timeout_ms=300)
    tenant = make_tenant(app.state.engine, slug="utrecht", roles=("case_handler",))
    headers = tenant["case_handler"].headers
    client = TestClient(app, raise_server_exceptions=False)
    if holder == "other-process":  # another program (a backup, the CLI) holds SQLite's lock
        other = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        release = other.close
    else:  # a request of this process holds it (the in-process writers' queue)
        connection = app.state.engine.connect()
        connection.begin()
        release = connection.close
    try:
        started = time.monotonic()
        _assert_busy(client.post("/api/v1/incidents", json=incident_body(), headers=headers), started)
        # Reads do not wait for the writer (WAL snapshot).
        assert client.get("/api/v1/incidents", headers=headers).status_code == 200
    finally:
        release()
    assert client.post("/api/v1/incidents", json=incident_body(), headers=headers).status_code == 201
    app.state.engine.dispose()


def test_a_failed_login_does_not_hold_the_write_lock_while_argon2_runs(database_url, tmp_path, monkeypatch):
    app = _app(database_url, tmp_path, sqlite_busy_timeout_ms=1000)
    tenant = make_tenant(app.state.engine, slug="utrecht", roles=("case_handler", "employee"))
    verifying, written = threading.Event(), threading.Event()
    real_verify = auth_service.verify_password

    def slow_verify(password: str, password_hash: str | None) -> bool:
        # The real argon2 check, held open until another change has gone through: the
        # timing is arranged, the verification is not faked.
        verifying.set()
        written.wait(10)
        return real_verify(password, password_hash)

    monkeypatch.setattr(auth_service, "verify_password", slow_verify)
    results: dict[str, int] = {}

    def log_in() -> None:
        with TestClient(app, raise_server_exceptions=False) as login_client:
            response = login_client.post(
                "/api/v1/sessions", json={"email": tenant["employee"].email, "password": "wrong password!"}
            )
            results["login"] = response.status_code

    thread = threading.Thread(target=log_in)
    thread.start()
    try:
        assert verifying.wait(10)
        started = time.monotonic()
        created = TestClient(app, raise_server_exceptions=False).post(
            "/api/v1/incidents", json=incident_body(), headers=tenant["case_handler"].headers
        )
        assert created.status_code == 201, created.text
        assert time.monotonic() - started < FAST_S
    finally:
        written.set()
        thread.join(20)
    assert results["login"] == 401
    app.state.engine.dispose()


def test_changes_queue_without_a_thread_and_a_long_wait_answers_503(sqlite_template, tmp_path):
    from tests.fixtures.databases import fresh_sqlite

    url = fresh_sqlite(sqlite_template, tmp_path)
    app = _app(url, tmp_path, sqlite_busy_timeout_ms=5000, write_concurrency=1, write_queue_seconds=0.3)
    tenant = make_tenant(app.state.engine, slug="utrecht", roles=("case_handler",))
    headers = tenant["case_handler"].headers
    holder = app.state.engine.connect()
    holder.begin()  # the write lock is taken: the first change waits for it inside the queue
    first: dict[str, int] = {}
    with TestClient(app, raise_server_exceptions=False) as client:  # one event loop for all requests

        def change() -> None:
            first["status"] = client.post(
                "/api/v1/incidents", json=incident_body(), headers=headers
            ).status_code

        thread = threading.Thread(target=change)
        thread.start()
        try:
            time.sleep(0.2)  # the first change is admitted and waits for the lock
            started = time.monotonic()
            _assert_busy(client.post("/api/v1/incidents", json=incident_body(), headers=headers), started)
            # Reads do not queue behind changes.
            assert client.get("/api/v1/incidents", headers=headers).status_code == 200
        finally:
            holder.close()
            thread.join(10)
    assert first["status"] == 201
    app.state.engine.dispose()


@pytest.mark.parametrize("operation", ["change-own-password", "create-user"])
def test_password_hashing_does_not_hold_the_write_lock(operation, database_url, tmp_path, monkeypatch):
    from api.routes import users as users_route
    from tests.fixtures.factories import PASSWORD

    app = _app(database_url, tmp_path, sqlite_busy_timeout_ms=1000)
    tenant = make_tenant(app.state.engine, slug="utrecht", roles=("case_handler", "employee", "admin"))
    hashing, written = threading.Event(), threading.Event()
    real_hash = auth_service.hash_password

    def slow_hash(password: str) -> str:
        # The real argon2 hash, held open until another change has gone through (timing arranged).
        hashing.set()
        written.wait(10)
        return real_hash(password)

    monkeypatch.setattr(auth_service, "hash_password", slow_hash)
    monkeypatch.setattr(users_route, "hash_password", slow_hash)
    results: dict[str, int] = {}

    def change() -> None:
        with TestClient(app, raise_server_exceptions=False) as client:
            if operation == "change-own-password":
                response = client.post(
                    "/api/v1/users/current/password",
                    json={"currentPassword": PASSWORD, "newPassword": "a new and long passphrase"},
                    headers=tenant["employee"].headers,
                )
            else:
                response = client.post(
                    "/api/v1/users",
                    json={
                        "email": "new@utrecht.example",
                        "password": "a new and long passphrase",
                        "roles": ["employee"],
                    },
                    headers=tenant["admin"].headers,
                )
            results["change"] = response.status_code

    thread = threading.Thread(target=change)
    thread.start()
    try:
        assert hashing.wait(10)
        started = time.monotonic()
        created = TestClient(app, raise_server_exceptions=False).post(
            "/api/v1/incidents", json=incident_body(), headers=tenant["case_handler"].headers
        )
        assert created.status_code == 201, created.text
        assert time.monotonic() - started < FAST_S
    finally:
        written.set()
        thread.join(20)
    assert results["change"] == (204 if operation == "change-own-password" else 201)
    app.state.engine.dispose()
