"""The `weerbaar` command: set-up and administration from the shell."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from api.cli import cli
from app.config import get_settings


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Invoke the CLI against a fresh embedded installation under tmp_path."""
    monkeypatch.setenv("WEERBAAR_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("WEERBAAR_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, list(args))

    yield invoke
    get_settings.cache_clear()


def test_set_up_an_organisation_with_users_and_an_api_client(run):
    assert run("migrate").exit_code == 0
    created = run("create-organisation", "--name", "Gemeente Utrecht", "--slug", "utrecht", "--country", "NL")
    assert created.exit_code == 0, created.output
    user = run(
        "create-user",
        "--organisation",
        "utrecht",
        "--email",
        "c@utrecht.example",
        "--password",
        "a long enough password",
        "--role",
        "case_handler,legal",
    )
    assert user.exit_code == 0, user.output
    assert "case_handler, legal" in user.output
    client = run("create-api-client", "--organisation", "utrecht", "--name", "GIR", "--scopes", "all")
    assert client.exit_code == 0, client.output
    token = client.output.strip().splitlines()[-1]
    assert token.startswith("wbc_") and len(token) > 40
    assert run("verify-audit").exit_code == 0


def test_bad_arguments_fail_clearly(run):
    run("migrate")
    bad_country = run("create-organisation", "--name", "X", "--slug", "x", "--country", "BE")
    assert bad_country.exit_code == 1
    assert "country" in bad_country.output
    run("create-organisation", "--name", "X", "--slug", "x", "--country", "DK")
    assert run("create-organisation", "--name", "X", "--slug", "x", "--country", "DK").exit_code == 1
    bad_role = run(
        "create-user",
        "--organisation",
        "x",
        "--email",
        "a@b.example",
        "--password",
        "a long enough password",
        "--role",
        "superuser",
    )
    assert bad_role.exit_code == 1
    assert "superuser" in bad_role.output
    no_org = run(
        "create-user",
        "--organisation",
        "nope",
        "--email",
        "a@b.example",
        "--password",
        "a long enough password",
        "--role",
        "employee",
    )
    assert no_org.exit_code == 1
    bad_scope = run("create-api-client", "--organisation", "x", "--name", "n", "--scopes", "everything")
    assert bad_scope.exit_code == 1


def test_verify_audit_reports_the_first_broken_link(run, tmp_path):
    run("migrate")
    run("create-organisation", "--name", "X", "--slug", "x", "--country", "NL")
    import sqlite3

    db = sqlite3.connect(tmp_path / "var" / "weerbaar.sqlite3")
    db.execute("UPDATE audit_event SET action = 'tampered'")
    db.commit()
    db.close()
    result = run("verify-audit")
    assert result.exit_code == 1
    assert "BROKEN" in result.output and "#1" in result.output


def test_console_script_is_installed():
    out = subprocess.run([sys.executable, "-m", "api.cli", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    for command in ("serve", "worker", "migrate", "create-organisation", "verify-audit"):
        assert command in out.stdout


def test_several_server_processes_need_postgresql(run):
    refused = run("serve", "--workers", "2", "--api-only")
    assert refused.exit_code == 2
    assert "need PostgreSQL" in refused.output
