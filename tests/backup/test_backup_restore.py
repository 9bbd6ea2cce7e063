"""Backups made while the server writes, restored into an empty installation and verified there."""

from __future__ import annotations

import hashlib
import json
import threading

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from api.main import create_app
from app.audit import anchors as audit_anchors
from app.audit import keys as audit_keys
from app.audit import service as audit
from app.audit.models import AuditEvent
from app.backup import database
from app.backup import service as backups
from app.db import make_engine
from app.evidence.models import Evidence
from app.incident.models import Incident
from app.migrate import upgrade
from app.storage import S3Store, make_store
from tests.evidence.helpers import create_incident, png, upload

# A backup of one store kind restores into the other: filesystem -> S3 and S3 -> filesystem.
LEGS = pytest.mark.parametrize(
    ("database_url", "store_kind", "target_store"),
    [("sqlite", "filesystem", "s3"), ("postgresql", "s3", "filesystem")],
    indirect=["database_url", "store_kind"],
)


def _furnish(client, org) -> str:
    """Incidents, evidence (one item under legal hold) and the audit events they leave; the held item's id."""
    held = ""
    for n in range(3):
        incident = create_incident(client, org["employee"], title=f"Threat {n}")
        for seed in range(2):
            response = upload(client, incident["id"], org["employee"], png(seed=10 * n + seed))
            assert response.status_code == 201, response.text
            held = held or response.json()["id"]
    hold = client.put(
        f"/api/v1/evidence/{held}/legal-hold",
        json={"active": True, "reason": "summary proceedings"},
        headers=org["legal"].headers,
    )
    assert hold.status_code == 200, hold.text
    return held


def _write_while(client, org, stop: threading.Event, started: threading.Event, failures: list[str]) -> None:
    """What a busy server does during the backup: new incidents with evidence."""
    seed = 100
    while not stop.is_set():
        incident = client.post(
            "/api/v1/incidents",
            json={
                "title": "Written during the backup",
                "occurredAt": "2026-03-02T09:30:00Z",
                "platform": "x",
                "behaviours": ["threat"],
            },
            headers=org["employee"].headers,
        )
        if incident.status_code != 201:
            failures.append(incident.text)
            return
        response = upload(client, incident.json()["id"], org["employee"], png(seed=seed))
        if response.status_code != 201:
            failures.append(response.text)
        seed += 1
        started.set()


def _chain_rows(engine) -> set[tuple[str, int, str]]:
    with Session(engine) as session:
        return {(e.chain, e.seq, e.hash) for e in session.exec(select(AuditEvent)).all()}


@LEGS
def test_backup_while_serving_restores_into_an_empty_installation(
    client, org, app, engine, settings, empty_installation, tmp_path, target_store
):
    held = _furnish(client, org)
    store = app.state.store
    with Session(engine) as session:
        audit_anchors.write_anchor(session, store, audit_keys.from_settings(settings))

    stop, started, failures = threading.Event(), threading.Event(), []
    writer = threading.Thread(target=_write_while, args=(client, org, stop, started, failures))
    writer.start()
    try:
        assert started.wait(30)
        report = backups.make_backup(settings, store=store, target=tmp_path / "backup")
    finally:
        stop.set()
        writer.join()
    assert not failures, failures
    assert report.ok, report.problems

    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    evidence_entries = [e for e in manifest["objects"] if e["kind"] == "evidence"]
    assert len(evidence_entries) >= 7  # the six before it and at least one written during it
    assert [e for e in manifest["objects"] if e["kind"] == "audit-anchor"]
    assert manifest["objectCount"] == len(manifest["objects"])
    assert manifest["schemaRevision"] == database.revision_of(settings.effective_database_url)
    assert manifest["database"]["kind"] == (
        "sqlite" if "sqlite" in settings.effective_database_url else "postgresql"
    )

    target = empty_installation(store=target_store)
    target_store_ = make_store(target)
    restored = backups.restore(target, store=target_store_, source=tmp_path / "backup")
    assert restored.ok, restored.problems
    summary = "\n".join(restored.lines)
    assert f"{len(evidence_entries)} of {len(evidence_entries)} item(s) match" in summary
    assert "against the anchor of" in summary

    # Checked again from the outside: every object's hash, the chains, and what the copy holds.
    restored_engine = make_engine(target.effective_database_url)
    try:
        with Session(restored_engine) as session:
            items = session.exec(select(Evidence).where(col(Evidence.storage_key).is_not(None))).all()
            assert sorted(i.storage_key for i in items) == sorted(e["key"] for e in evidence_entries)
            for item in items:
                assert item.storage_key is not None
                data = b"".join(target_store_.read(item.storage_key))
                assert hashlib.sha256(data).hexdigest() == item.sha256
            incidents = session.exec(select(Incident)).all()
            on_hold = [i for i in items if i.legal_hold]
            assert [str(i.id) for i in on_hold] == [held]
            if isinstance(target_store_, S3Store):  # the store's own hold follows the row's
                assert target_store_.legal_hold(on_hold[0].storage_key)
            result = audit.verify(session, keys=audit_keys.from_settings(target), store=target_store_)
            assert result.ok and result.anchor is not None, result.findings
        restored_chains = _chain_rows(restored_engine)
    finally:
        restored_engine.dispose()
    # The copy is a prefix of the source's log (the writer went on after the snapshot).
    assert restored_chains <= _chain_rows(engine)
    assert len(incidents) >= 4

    # The restored installation serves: a member's evidence comes back byte for byte.
    target_app = create_app(target)
    try:
        served = TestClient(target_app).get(
            f"/api/v1/evidence/{items[0].id}/content",
            headers=org["employee"].headers,
        )
    finally:
        target_app.state.engine.dispose()
    assert served.status_code == 200, served.text
    assert hashlib.sha256(served.content).hexdigest() == items[0].sha256

    # Restoring over it is refused, and nothing changes.
    with pytest.raises(backups.BackupError, match="not empty"):
        backups.restore(target, store=target_store_, source=tmp_path / "backup")

    # One object damaged in the backup: the check and a restore both name it.
    damaged = evidence_entries[0]
    path = tmp_path / "backup" / "objects" / damaged["key"]
    path.write_bytes(b"X" + path.read_bytes()[1:])
    checked = backups.check_backup(tmp_path / "backup")
    assert [p for p in checked.problems if damaged["key"] in p] and len(checked.problems) == 1
    second = empty_installation(store=target_store, migrated=True)
    again = backups.restore(second, store=make_store(second), source=tmp_path / "backup")
    assert not again.ok
    assert any(damaged["key"] in p for p in again.problems)
    assert any("mismatch" in p for p in again.problems), again.problems


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_backup_of_an_older_schema_is_upgraded_on_restore(settings, tmp_path, empty_installation):
    from alembic.script import ScriptDirectory

    from app.migrate import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config(settings.effective_database_url))
    head = scripts.get_current_head()
    older = scripts.get_revision(head).down_revision
    assert isinstance(older, str)
    source = settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'old.sqlite3'}"})
    upgrade(source.effective_database_url, older)
    report = backups.make_backup(source, store=make_store(source), target=tmp_path / "old-backup")
    assert report.ok

    target = empty_installation(store="filesystem")
    restored = backups.restore(target, store=make_store(target), source=tmp_path / "old-backup")
    assert restored.ok, restored.problems
    assert f"Schema upgraded from {older} to {head}." in restored.lines
    assert database.revision_of(target.effective_database_url) == head


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_backup_refuses_a_used_directory_and_restore_a_damaged_database_copy(settings, tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "file").write_text("x")
    with pytest.raises(backups.BackupError, match="not an empty directory"):
        backups.make_backup(settings, store=make_store(settings), target=tmp_path / "used")

    backups.make_backup(settings, store=make_store(settings), target=tmp_path / "b")
    copy = tmp_path / "b" / "database.sqlite3"
    copy.write_bytes(copy.read_bytes()[:-1] + b"\x01")
    with pytest.raises(backups.BackupError, match="damaged"):
        backups.check_backup(tmp_path / "b")

    # A backup that fails leaves no half-written directory behind.
    gone = settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'absent.sqlite3'}"})
    with pytest.raises(backups.BackupError, match="no database"):
        backups.make_backup(gone, store=make_store(gone), target=tmp_path / "c")
    assert not (tmp_path / "c").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
