"""The audit key: where it comes from, rotation, events from before keying, and the anchoring job."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from api.cli import cli
from api.main import create_app
from app.audit import anchors
from app.audit import keys as audit_keys
from app.audit import service as audit
from app.audit.chain import canonical
from app.audit.models import AuditEvent
from app.audit.verification import Tamper, verify
from app.config import ConfigurationError, Settings, get_settings
from app.db import utcnow
from app.jobs import service as jobs
from app.jobs.models import Job, JobStatus
from tests.audit.installation import (
    AUDIT_KEY,
    Installation,
    add_organisation,
    audit_settings,
    execute,
    install,
)
from tests.fixtures.databases import fresh_sqlite
from tests.fixtures.factories import SECRET

NEW_KEY = "the-rotated-audit-key-0123456789-abcdefghijklmnop"


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh migrated SQLite database (these checks do not depend on the database)."""
    return fresh_sqlite(sqlite_template, tmp_path)


@pytest.fixture
def installation(sqlite_url: str, tmp_path: Path) -> Iterator[Installation]:
    """Two organisations with five keyed events each, filesystem store."""
    found = install(audit_settings(sqlite_url, tmp_path), ("utrecht", "aarhus"))
    yield found
    found.engine.dispose()


def test_the_key_is_generated_once_in_development_and_required_in_production(tmp_path, monkeypatch):
    first = Settings(data_dir=tmp_path).resolved_audit_key()
    assert len(first) >= 32 and Settings(data_dir=tmp_path).resolved_audit_key() == first
    assert (tmp_path / "audit_key").stat().st_mode & 0o077 == 0
    production = {"environment": "production", "secret_key": SecretStr(SECRET), "database_url": "sqlite://"}
    with pytest.raises(ConfigurationError, match="WEERBAAR_AUDIT_KEY"):
        Settings(**production).resolved_audit_key()
    with pytest.raises(ConfigurationError, match="at least 32"):
        Settings(**production, audit_key=SecretStr("short")).resolved_audit_key()
    key_file = tmp_path / "audit.key"
    key_file.write_text(AUDIT_KEY + "\n")
    assert Settings(**production, audit_key_file=key_file).resolved_audit_key() == AUDIT_KEY
    with pytest.raises(ConfigurationError, match="WEERBAAR_AUDIT_KEY"):
        create_app(Settings(**production))
    # The command line stops at start-up with a clear message.
    monkeypatch.setenv("WEERBAAR_ENVIRONMENT", "production")
    monkeypatch.setenv("WEERBAAR_SECRET_KEY", SECRET)
    monkeypatch.setenv("WEERBAAR_DATABASE_URL", "sqlite://")
    monkeypatch.delenv("WEERBAAR_AUDIT_KEY", raising=False)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["verify-audit"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "WEERBAAR_AUDIT_KEY or WEERBAAR_AUDIT_KEY_FILE is required in production" in result.output


def test_a_rotated_key_still_verifies_what_the_old_key_sealed(installation: Installation, tmp_path):
    old_id = audit_keys.active().current_id
    rotated = audit_settings(
        installation.settings.effective_database_url, tmp_path, key=NEW_KEY, previous=AUDIT_KEY
    )
    keys = audit_keys.configure(rotated)
    add_organisation(installation.engine, "odense", 3)
    with Session(installation.engine) as session:
        key_ids = set(session.exec(select(AuditEvent.key_id)).all())
        assert key_ids == {old_id, keys.current_id}
        assert verify(session, keys=keys).ok
        without_old = verify(session, keys=audit_keys.AuditKeys(NEW_KEY.encode()))
    assert without_old.kinds == {Tamper.unknown_key}
    assert "WEERBAAR_AUDIT_PREVIOUS_KEYS" in without_old.findings[0].detail


def _as_before_keying(installation: Installation, slug: str) -> None:
    """Turn a chain into what the unkeyed version wrote: plain SHA-256, no key id."""
    chain = installation.chains[slug]
    with Session(installation.engine) as session:
        events = list(
            session.exec(
                select(AuditEvent).where(AuditEvent.chain == chain).order_by(col(AuditEvent.seq))
            ).all()
        )
        session.expunge_all()
    prev = "0" * 64
    for event in events:
        event.key_id, event.prev_hash = None, prev
        event.hash = hashlib.sha256(canonical(event)).hexdigest()
        execute(
            installation.engine,
            "UPDATE audit_event SET key_id = NULL, prev_hash = :p, hash = :h WHERE chain = :c AND seq = :s",
            p=event.prev_hash,
            h=event.hash,
            c=chain,
            s=event.seq,
        )
        prev = event.hash


def test_events_from_before_keying_verify_and_are_sealed_by_the_first_anchor(installation: Installation):
    _as_before_keying(installation, "utrecht")
    _as_before_keying(installation, "aarhus")
    with Session(installation.engine) as session:
        assert verify(session, store=installation.store).ok
        anchor = anchors.write_anchor(session, installation.store)
    assert anchor.chains[installation.chains["utrecht"]].legacy_until == 5
    # New events are keyed; an unkeyed event after them is refused.
    with Session(installation.engine) as session:
        org_id = uuid.UUID(installation.chains["utrecht"])
        event = audit.record(session, action="test.keyed", organisation_id=org_id, actor_label="test")
        assert event.key_id == audit_keys.active().current_id
        event_id = event.id
        session.commit()
        assert verify(session, store=installation.store).ok
    execute(installation.engine, "UPDATE audit_event SET key_id = NULL WHERE id = :i", i=event_id.hex)
    with Session(installation.engine) as session:
        assert verify(session, store=installation.store).kinds == {Tamper.edited}
    execute(installation.engine, "DELETE FROM audit_event WHERE action = 'test.keyed'")
    # Someone rewrites the whole unkeyed chain, as the unkeyed version could: only the anchor shows it.
    execute(
        installation.engine,
        "UPDATE audit_event SET actor_label = 'someone else' WHERE chain = :c AND seq = 2",
        c=installation.chains["aarhus"],
    )
    _as_before_keying(installation, "aarhus")
    with Session(installation.engine) as session:
        result = verify(session, store=installation.store)
    assert result.kinds == {Tamper.rehashed}
    assert result.findings[0].chain == installation.chains["aarhus"] and result.findings[0].last_seq == 5


def test_the_recurring_job_anchors_and_queues_its_next_run(installation: Installation, monkeypatch):
    for name, value in installation.env().items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        anchors.schedule(installation.engine)
        anchors.schedule(installation.engine)  # idempotent: one queued run
        with Session(installation.engine) as session:
            queued = session.exec(select(Job).where(Job.kind == anchors.ANCHOR_JOB)).all()
            assert len(queued) == 1
            queued[0].run_at = utcnow() - timedelta(seconds=1)
            session.add(queued[0])
            session.commit()
        assert jobs.run_one(installation.engine, "test-worker")
        with Session(installation.engine) as session:
            rows = session.exec(
                select(Job).where(Job.kind == anchors.ANCHOR_JOB).order_by(col(Job.run_at))
            ).all()
        assert [r.status for r in rows] == [JobStatus.done.value, JobStatus.queued.value]
        assert rows[1].run_at > utcnow() + timedelta(minutes=59)
        assert len(anchors.anchor_keys(installation.store)) == 1
    finally:
        get_settings.cache_clear()


def test_a_forged_anchor_is_reported_and_the_last_sealed_one_still_counts(installation: Installation):
    with Session(installation.engine) as session:
        real = anchors.write_anchor(session, installation.store)
    forged = json.loads(b"".join(installation.store.read(real.key)))
    for head in forged["chains"].values():
        head["lastSeq"], head["events"] = 1, 1
    writer = installation.store.writer(
        anchors.PREFIX + "29991231-000000-000000-forged00", content_type="application/json"
    )
    writer.write(json.dumps(forged).encode())
    writer.commit()
    execute(
        installation.engine,
        "DELETE FROM audit_event WHERE chain = :c AND seq = 5",
        c=installation.chains["utrecht"],
    )
    with Session(installation.engine) as session:
        result = verify(session, store=installation.store)
    assert result.anchor is not None and result.anchor.key == real.key
    assert result.kinds == {Tamper.anchor_invalid, Tamper.deleted_tail}
    assert "seal does not match" in result.findings[0].detail
