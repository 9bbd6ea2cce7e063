"""`weerbaar backup` and `weerbaar restore` as an operator runs them: exit codes and messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import cli
from app.config import get_settings
from tests.backup.conftest import AUDIT_KEY
from tests.evidence.helpers import create_incident, png, upload
from tests.fixtures.factories import SECRET

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_backup_and_restore_from_the_command_line(client, org, settings, tmp_path):
    incident = create_incident(client, org["employee"])
    assert upload(client, incident["id"], org["employee"], png(seed=7)).status_code == 201
    base = {k: v for k, v in os.environ.items() if not k.startswith("WEERBAAR_")}
    base.update(WEERBAAR_SECRET_KEY=SECRET, WEERBAAR_AUDIT_KEY=AUDIT_KEY)

    # The backup in a process of its own, as cron runs it, while this one serves.
    source = {
        "WEERBAAR_DATABASE_URL": settings.effective_database_url,
        "WEERBAAR_DATA_DIR": str(settings.data_dir),
    }
    made = subprocess.run(
        [sys.executable, "-m", "api.cli", "backup", "--to", str(tmp_path / "backup")],
        env={**base, **source},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    assert "1 evidence object(s)" in made.stdout

    # The rest in-process: starting a process costs seconds on a busy machine.
    runner = CliRunner()
    target = {**base, "WEERBAAR_DATA_DIR": str(tmp_path / "new")}
    get_settings.cache_clear()
    try:
        restored = runner.invoke(cli, ["restore", "--from", str(tmp_path / "backup")], env=target)
        assert restored.exit_code == 0, restored.output
        assert "Evidence verified: 1 of 1 item(s)" in restored.stdout
        assert restored.stdout.strip().endswith("OK")
        again = runner.invoke(cli, ["restore", "--from", str(tmp_path / "backup")], env=target)
        assert again.exit_code == 1
        assert "not empty" in again.output

        key = json.loads((tmp_path / "backup" / "manifest.json").read_text())["objects"][0]["key"]
        (tmp_path / "backup" / "objects" / key).write_bytes(b"tampered")
        checked = runner.invoke(cli, ["restore", "--from", str(tmp_path / "backup"), "--check"])
        assert checked.exit_code == 1
        assert f"object {key} in the backup does not match" in checked.output
    finally:
        get_settings.cache_clear()
