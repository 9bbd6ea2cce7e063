"""API clients from the shell: list, rotate and revoke next to create."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from api.cli import cli
from app.auth import oauth
from app.auth import service as auth
from app.config import get_settings
from app.db import make_engine, session_scope
from app.errors import Unauthenticated


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("WEERBAAR_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("WEERBAAR_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, list(args))

    yield invoke
    get_settings.cache_clear()


def token_works(token: str) -> bool:
    settings = get_settings()
    engine = make_engine(settings.effective_database_url)
    try:
        with Session(engine) as session:
            auth.authenticate(session, token=token, key=settings.resolved_secret_key(), origin=None)
        return True
    except Unauthenticated:
        return False
    finally:
        engine.dispose()


def secret_works(client_id: str, secret: str) -> bool:
    """Whether the client secret gets an access token (OAuth2 client credentials)."""
    settings = get_settings()
    engine = make_engine(settings.effective_database_url)
    try:
        with session_scope(engine) as session:
            issued = oauth.issue_token(
                session,
                client_id=client_id,
                secret=secret,
                scope=None,
                key=settings.resolved_secret_key(),
                ttl=timedelta(minutes=15),
                origin=None,
            )
        return isinstance(issued, oauth.Grant)
    finally:
        engine.dispose()


def test_list_rotate_and_revoke_an_api_client(run):
    assert run("migrate").exit_code == 0
    assert run("create-organisation", "--name", "G", "--slug", "gouda", "--country", "NL").exit_code == 0
    created = run(
        "create-api-client", "--organisation", "gouda", "--name", "GIR", "--scopes", "incidents:read"
    )
    assert created.exit_code == 0, created.output
    first = created.output.strip().splitlines()[-1]
    client_id = re.search(r"\(([0-9a-f-]{36})\)", created.output).group(1)

    secret = re.search(r"client_secret (wbk_\S+)", created.output).group(1)
    assert secret_works(client_id, secret)

    listed = run("list-api-clients", "--organisation", "gouda")
    assert listed.exit_code == 0 and client_id in listed.output and "active" in listed.output
    assert first not in listed.output and secret not in listed.output

    rotated = run("rotate-api-client", "--organisation", "gouda", "--id", client_id)
    assert rotated.exit_code == 0, rotated.output
    second = rotated.output.strip().splitlines()[-1]
    assert second.startswith("wbc_") and second != first
    assert not token_works(first) and token_works(second)

    revoked = run("revoke-api-client", "--organisation", "gouda", "--id", client_id)
    assert revoked.exit_code == 0, revoked.output
    assert not token_works(second)
    assert "revoked" in run("list-api-clients", "--organisation", "gouda").output
    again = run("rotate-api-client", "--organisation", "gouda", "--id", client_id)
    assert again.exit_code == 1


def test_unknown_scope_and_bad_id_are_refused(run):
    assert run("migrate").exit_code == 0
    assert run("create-organisation", "--name", "G", "--slug", "gouda", "--country", "NL").exit_code == 0
    bad = run("create-api-client", "--organisation", "gouda", "--name", "X", "--scopes", "root:all")
    assert bad.exit_code == 1 and "unknown scope" in bad.output
    assert run("revoke-api-client", "--organisation", "gouda", "--id", "nope").exit_code == 1
    missing = run(
        "revoke-api-client", "--organisation", "gouda", "--id", "00000000-0000-4000-8000-000000000000"
    )
    assert missing.exit_code == 1
