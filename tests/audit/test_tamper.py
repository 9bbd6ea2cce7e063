"""Each kind of tampering with the audit log, done with raw SQL, is found and named by verify-audit.

On SQLite and PostgreSQL, with the anchors in the filesystem store and in S3 (moto).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from api.cli import cli
from app.audit.verification import Tamper, VerifyResult, verify
from app.config import get_settings
from tests.audit.installation import Installation, audit_settings, execute, install, rehash_from
from tests.fixtures.s3 import use_s3

SLUGS = ("tail", "gone", "rehash", "forge", "edit", "kept")


@pytest.fixture(params=["filesystem", "s3"])
def installation(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Iterator[Installation]:
    """Six organisations with five audit events each, on this database and store."""
    settings = audit_settings(database_url, tmp_path)
    if request.param == "s3":
        settings = use_s3(settings, request.getfixturevalue("s3_server"))
    found = install(settings, SLUGS)
    yield found
    found.engine.dispose()


@pytest.fixture
def run_cli(installation: Installation, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """`weerbaar ARGS` in this process, against the installation."""
    for name, value in installation.env().items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    runner = CliRunner()
    yield lambda *args: runner.invoke(cli, list(args))
    get_settings.cache_clear()


def by_chain(installation: Installation, result: VerifyResult) -> dict[str, set[Tamper]]:
    slugs = {chain: slug for slug, chain in installation.chains.items()}
    found: dict[str, set[Tamper]] = {}
    for finding in result.findings:
        found.setdefault(slugs.get(finding.chain, finding.chain), set()).add(finding.kind)
    return found


def check(installation: Installation) -> VerifyResult:
    with Session(installation.engine) as session:
        return verify(session, store=installation.store)


def test_every_kind_of_tampering_is_found_and_named(installation: Installation, run_cli):  # type: ignore[no-untyped-def]
    engine, chains = installation.engine, installation.chains
    # Untampered, with an anchor: clean, through the function and the command.
    anchored = run_cli("anchor-audit")
    assert anchored.exit_code == 0, anchored.output
    assert "Anchored 6 chain(s)" in anchored.output
    clean = check(installation)
    assert clean.ok, clean.findings
    assert clean.anchor is not None and clean.anchor.chains == 6 and clean.events == 30
    ok = run_cli("verify-audit")
    assert ok.exit_code == 0, ok.output
    assert "Newest anchor: audit-anchors/" in ok.output and "OK: 30 events in 6 chain(s)" in ok.output

    execute(engine, "DELETE FROM audit_event WHERE chain = :c AND seq > 2", c=chains["tail"])
    execute(engine, "DELETE FROM audit_event WHERE chain = :c", c=chains["gone"])
    rehash_from(engine, chains["rehash"], 3, unkeyed=False)
    rehash_from(engine, chains["forge"], 2, unkeyed=True)
    execute(
        engine,
        "UPDATE audit_event SET action = 'nothing.happened' WHERE chain = :c AND seq = 4",
        c=chains["edit"],
    )

    result = check(installation)
    assert by_chain(installation, result) == {
        "tail": {Tamper.deleted_tail},
        "gone": {Tamper.deleted_chain},
        "rehash": {Tamper.rehashed},
        "forge": {Tamper.rehashed},
        "edit": {Tamper.edited},
    }
    named = {(f.chain, f.kind): f for f in result.findings}
    assert (
        named[chains["tail"], Tamper.deleted_tail].seq,
        named[chains["tail"], Tamper.deleted_tail].last_seq,
    ) == (3, 5)
    assert named[chains["rehash"], Tamper.rehashed].seq == 3
    assert named[chains["forge"], Tamper.rehashed].seq == 2
    assert named[chains["edit"], Tamper.edited].seq == 4

    broken = run_cli("verify-audit")
    assert broken.exit_code == 1
    for line in (
        "BROKEN [deleted-tail] chain tail:",
        "events #3..#5 were deleted",
        "BROKEN [deleted-chain] chain gone:",
        "BROKEN [rehashed] chain rehash: events #3..#5",
        "BROKEN [rehashed] chain forge: events #2..#5",
        "BROKEN [edited] chain edit: event #4 (nothing.happened)",
        "FAILED: 5 finding(s)",
    ):
        assert line in broken.output, broken.output

    # A later anchor does not anchor over the damage: the deleted tail and chain stay visible.
    assert run_cli("anchor-audit").exit_code == 0
    assert {Tamper.deleted_tail, Tamper.deleted_chain} <= check(installation).kinds

    settings = installation.settings
    if settings.storage_backend == "filesystem" and settings.effective_database_url.startswith("sqlite"):
        # Once as the installed command would run: a separate process, exit code and stderr.
        env = {**os.environ, **installation.env()}
        done = subprocess.run(
            [sys.executable, "-m", "api.cli", "verify-audit"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 1, done.stderr
        for kind in ("deleted-tail", "deleted-chain", "rehashed", "edited"):
            assert f"BROKEN [{kind}]" in done.stderr


def test_without_anchors_the_key_still_finds_edits_and_rehashes(installation: Installation, run_cli):  # type: ignore[no-untyped-def]
    engine, chains = installation.engine, installation.chains
    no_anchor = run_cli("verify-audit")
    assert no_anchor.exit_code == 0 and "No anchor yet" in no_anchor.output
    rehash_from(engine, chains["rehash"], 1, unkeyed=False)
    execute(engine, "DELETE FROM audit_event WHERE chain = :c AND seq = 3", c=chains["tail"])
    assert by_chain(installation, check(installation)) == {
        "rehash": {Tamper.rehashed},
        "tail": {Tamper.deleted_events},
    }
    result = run_cli("verify-audit", "--no-anchors")
    assert result.exit_code == 1
    assert "BROKEN [deleted-events] chain tail: a gap in the sequence: events #3 are missing" in result.output
