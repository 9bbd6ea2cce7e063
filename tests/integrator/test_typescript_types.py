"""Done when: openapi-typescript (pinned in package.json) generates clean types from the committed
contract: no warning and no error in its output.

Needs node_modules (`npm ci`, which make's spectral target runs before pytest); skipped locally
without npm, never in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.fixtures.generated_client import CONTRACT, ROOT


def test_openapi_typescript_generates_clean_types(tmp_path: Path) -> None:
    if shutil.which("npx") is None or not (ROOT / "node_modules" / "openapi-typescript").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail("openapi-typescript is not installed (run `npm ci`)")
        pytest.skip("npm or node_modules/openapi-typescript missing (run `npm ci`)")
    target = tmp_path / "weerbaar.d.ts"
    done = subprocess.run(
        ["npx", "--no-install", "openapi-typescript", str(CONTRACT), "-o", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"},
        timeout=120,
    )
    said = done.stdout + done.stderr
    assert done.returncode == 0, said
    # Its output on success is two lines: the version and the file written; anything else is a finding.
    lines = [line for line in said.splitlines() if line.strip()]
    assert len(lines) == 2 and "openapi-typescript" in lines[0] and "→" in lines[1], said
    assert not any(word in said.lower() for word in ("warn", "error", "deprecat", "⚠", "✘")), said
    types = target.read_text()
    assert "export interface paths" in types and '"/incidents/{incidentId}"' in types
    assert "export interface webhooks" in types and "unknown;" not in types.split("export interface")[1]
