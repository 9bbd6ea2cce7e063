"""Verification, legal hold, removal with tombstone, and failures half-way that keep nothing."""

from __future__ import annotations

import io
import os
import uuid

import anyio
import pytest
import urllib3
from minio import Minio
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.evidence import jobs
from app.evidence.models import CustodyEvent, Evidence
from app.jobs.models import Job
from app.storage import FilesystemStore, S3Store
from tests.evidence.helpers import (
    assert_nothing_stored,
    assert_problem,
    create_incident,
    png,
    upload,
    visible_objects,
)

BOTH_STORES = pytest.mark.parametrize("store_kind", ["filesystem", "s3"], indirect=True)


def _key(item: dict, org, incident: dict) -> str:
    return f"{org.organisation_id}/{incident['id']}/{item['id']}"


def _tamper(store, key: str, data: bytes) -> None:
    if isinstance(store, FilesystemStore):
        path = store.root / key
        path.chmod(0o600)
        path.write_bytes(data)
    else:
        assert isinstance(store, S3Store)
        store.client.put_object(store.bucket, key, io.BytesIO(data), len(data))


def _remove_object(store, key: str) -> None:
    if isinstance(store, FilesystemStore):
        (store.root / key).unlink()
    else:
        store.client.remove_object(store.bucket, key)


@BOTH_STORES
def test_verification_finds_ok_then_mismatch_then_missing(client, org, app, engine, store_kind):
    incident = create_incident(client, org["employee"])
    item = upload(client, incident["id"], org["employee"]).json()
    url = f"/api/v1/evidence/{item['id']}/verifications"
    ok = client.post(url, headers=org["case_handler"].headers)
    assert ok.status_code == 201, ok.text
    assert ok.json()["result"] == "ok"
    assert ok.json()["actualSha256"] == item["sha256"]
    key = _key(item, org, incident)
    _tamper(app.state.store, key, b"changed")
    bad = client.post(url, headers=org["case_handler"].headers).json()
    assert bad["result"] == "mismatch"
    assert bad["actualSize"] == 7
    _remove_object(app.state.store, key)
    missing = client.post(url, headers=org["case_handler"].headers).json()
    assert missing["result"] == "missing"
    got = client.get(f"/api/v1/evidence/{item['id']}", headers=org["employee"].headers).json()
    assert got["lastVerificationResult"] == "missing"
    with Session(engine) as session:
        alerts = session.exec(select(AuditEvent).where(AuditEvent.action == "evidence.integrity_alert")).all()
        assert [a.details["result"] for a in alerts] == ["mismatch", "missing"]
        assert all(a.result == "failure" for a in alerts)
        kinds = session.exec(
            select(CustodyEvent.kind).where(CustodyEvent.evidence_id == uuid.UUID(item["id"]))
        ).all()
        assert list(kinds).count("verified") == 3


@BOTH_STORES
def test_periodic_job_verifies_all_evidence_and_schedules_itself(client, org, app, engine, store_kind):
    incident = create_incident(client, org["employee"])
    good = upload(client, incident["id"], org["employee"], png(seed=1)).json()
    bad = upload(client, incident["id"], org["employee"], png(seed=2)).json()
    _tamper(app.state.store, _key(bad, org, incident), b"tampered")
    with Session(engine) as session:
        queued = session.exec(select(Job).where(Job.kind == jobs.VERIFY_ALL)).all()
        assert len(queued) == 1  # scheduled by the first upload, once
    with Session(engine, expire_on_commit=False) as session:
        summary = jobs.verify_all(session, app.state.store)
        session.commit()
    assert summary.counts == {"ok": 1, "mismatch": 1, "missing": 0}
    with Session(engine) as session:
        results = {str(e.id): e.last_verification_result for e in session.exec(select(Evidence)).all()}
        assert results == {good["id"]: "ok", bad["id"]: "mismatch"}
        alert = session.exec(select(AuditEvent).where(AuditEvent.action == "evidence.integrity_alert")).one()
        assert alert.actor_kind == "system"
        assert alert.object_id == bad["id"]
        assert jobs.ensure_scheduled(session) is None


def test_legal_hold_set_and_release_with_reasons(client, org, app):
    incident = create_incident(client, org["employee"])
    item = upload(client, incident["id"], org["employee"]).json()
    url = f"/api/v1/evidence/{item['id']}/legal-hold"
    assert_problem(
        client.put(url, json={"active": True, "reason": "court case"}, headers=org["employee"].headers), 403
    )
    assert_problem(client.put(url, json={"active": True}, headers=org["legal"].headers), 400, "reason")
    held = client.put(
        url, json={"active": True, "reason": "summary proceedings"}, headers=org["legal"].headers
    )
    assert held.status_code == 200, held.text
    assert held.json()["legalHold"] is True
    assert held.json()["legalHoldReason"] == "summary proceedings"
    again = client.put(url, json={"active": True, "reason": "again"}, headers=org["legal"].headers)
    assert_problem(again, 409)
    released = client.put(url, json={"active": False, "reason": "case settled"}, headers=org["legal"].headers)
    assert released.json()["legalHold"] is False
    events = client.get(f"/api/v1/evidence/{item['id']}/custody-events", headers=org["legal"].headers).json()
    assert [(e["kind"], e["reason"]) for e in events["items"][1:]] == [
        ("hold_set", "summary proceedings"),
        ("hold_released", "case settled"),
    ]


def _close(client, incident: dict, member) -> None:
    response = client.patch(
        f"/api/v1/incidents/{incident['id']}",
        json={"status": "closed", "closureReason": "handled and retention period over"},
        headers={**member.headers, "If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text


@BOTH_STORES
def test_removal_needs_admin_closed_incident_and_no_hold_and_leaves_a_tombstone(
    client, org, app, engine, store_kind
):
    incident = create_incident(client, org["employee"])
    item = upload(client, incident["id"], org["employee"]).json()
    url = f"/api/v1/evidence/{item['id']}/removals"
    reason = {"reason": "retention period of 5 years ended"}
    assert_problem(client.post(url, json=reason, headers=org["case_handler"].headers), 403)
    assert_problem(client.post(url, json=reason, headers=org["admin"].headers), 409, "incidentId")
    assert_problem(client.delete(f"/api/v1/evidence/{item['id']}", headers=org["admin"].headers), 405)
    client.put(
        f"/api/v1/evidence/{item['id']}/legal-hold",
        json={"active": True, "reason": "court"},
        headers=org["legal"].headers,
    )
    _close(client, incident, org["case_handler"])
    assert_problem(client.post(url, json=reason, headers=org["admin"].headers), 409, "legalHold")
    client.put(
        f"/api/v1/evidence/{item['id']}/legal-hold",
        json={"active": False, "reason": "court done"},
        headers=org["legal"].headers,
    )
    assert_problem(client.post(url, json={}, headers=org["admin"].headers), 400, "reason")
    removed = client.post(url, json=reason, headers=org["admin"].headers)
    assert removed.status_code == 200, removed.text
    tombstone = removed.json()
    assert tombstone["sha256"] == item["sha256"]
    assert tombstone["removalReason"] == reason["reason"]
    assert tombstone["removedAt"] is not None
    assert visible_objects(app.state.store) == []
    content = client.get(f"/api/v1/evidence/{item['id']}/content", headers=org["admin"].headers)
    assert_problem(content, 410)
    with Session(engine) as session:
        audit = session.exec(select(AuditEvent).where(AuditEvent.action == "evidence.removed")).one()
        assert audit.details["reason"] == reason["reason"]
        assert audit.details["sha256"] == item["sha256"]


# --- failures half-way ------------------------------------------------------------------------


class _FailingStore(FilesystemStore):
    """A filesystem store whose writer fails half-way through a chunk (e.g. a full disk)."""

    def writer(self, key, *, content_type):
        inner = super().writer(key, content_type=content_type)

        def write(data):
            inner.file.write(data[: len(data) // 2])
            inner.file.flush()
            raise OSError(28, "No space left on device")

        inner.write = write  # type: ignore[method-assign]
        return inner


def test_storage_error_half_way_is_unavailable_and_keeps_nothing(client, org, app, engine, tmp_path):
    incident = create_incident(client, org["employee"])
    failing = _FailingStore(tmp_path / "failing")
    app.state.store = failing
    for sub in app.routes:
        if getattr(sub, "path", "") == "/api/v1":
            sub.app.state.store = failing
    response = upload(client, incident["id"], org["employee"], png() + os.urandom(3 * 1024 * 1024))
    assert_problem(response, 503)
    assert_nothing_stored(app, engine)
    assert list((tmp_path / "failing").rglob("*.upload-*")) == []
    assert [p for p in (tmp_path / "failing").rglob("*") if p.is_file()] == []


def test_storage_outage_is_503_and_nothing_is_recorded(client, org, app, engine):
    incident = create_incident(client, org["employee"])
    http = urllib3.PoolManager(retries=urllib3.Retry(total=0), timeout=urllib3.Timeout(2))
    down = S3Store(Minio("127.0.0.1:9", access_key="a", secret_key="b", secure=False, http_client=http), "b")
    app.state.store = down
    for sub in app.routes:
        if getattr(sub, "path", "") == "/api/v1":
            sub.app.state.store = down
    response = upload(client, incident["id"], org["employee"])
    assert_problem(response, 503)
    with Session(engine) as session:
        assert session.exec(select(Evidence)).all() == []
        assert session.exec(select(AuditEvent).where(AuditEvent.object_type == "evidence")).all() == []


@BOTH_STORES
def test_client_disconnect_half_way_keeps_nothing(client, org, app, engine, store_kind):
    incident = create_incident(client, org["employee"])
    boundary = b"b0und"
    head = (
        b'--b0und\r\nContent-Disposition: form-data; name="file"; filename="v.png"\r\n'
        b"Content-Type: image/png\r\n\r\n" + png()
    )
    chunks = [head, os.urandom(1024 * 1024), os.urandom(1024 * 1024)]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": f"/api/v1/incidents/{incident['id']}/evidence",
        "raw_path": f"/api/v1/incidents/{incident['id']}/evidence".encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"authorization", f"Bearer {org['employee'].token}".encode()),
            (b"content-type", b"multipart/form-data; boundary=" + boundary),
            (b"content-length", str(10 * 1024 * 1024).encode()),
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "state": {},
    }
    sent: list[dict] = []

    async def run() -> None:
        queue = list(chunks)

        async def receive():
            if queue:
                return {"type": "http.request", "body": queue.pop(0), "more_body": True}
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)

        await app(scope, receive, send)

    anyio.run(run)
    assert_nothing_stored(app, engine)


def test_verification_job_runs_from_the_job_table_and_queues_the_next_run(
    client, org, app, engine, monkeypatch
):
    from app.config import get_settings
    from app.db import utcnow
    from app.jobs import service as job_runner

    incident = create_incident(client, org["employee"])
    item = upload(client, incident["id"], org["employee"]).json()
    assert jobs.VERIFY_ALL in job_runner.HANDLERS
    monkeypatch.setenv("WEERBAAR_DATA_DIR", str(app.state.settings.data_dir))
    get_settings.cache_clear()
    try:
        with Session(engine) as session:
            job = session.exec(select(Job).where(Job.kind == jobs.VERIFY_ALL)).one()
            job.run_at = utcnow()
            session.add(job)
            session.commit()
        assert job_runner.run_one(engine, "test-worker")
    finally:
        get_settings.cache_clear()
    with Session(engine) as session:
        runs = session.exec(select(Job).where(Job.kind == jobs.VERIFY_ALL).order_by(Job.created_at)).all()
        assert [r.status for r in runs] == ["done", "queued"]
        assert runs[1].run_at > utcnow()
        verified = session.get(Evidence, uuid.UUID(item["id"]))
        assert verified.last_verification_result == "ok"


@pytest.mark.parametrize("store_kind", ["s3"], indirect=True)
def test_removal_under_s3_retention_is_refused_and_nothing_changes(client, org, app, store_kind):
    app.state.store.retention_days = 1
    incident = create_incident(client, org["employee"])
    item = upload(client, incident["id"], org["employee"]).json()
    _close(client, incident, org["case_handler"])
    response = client.post(
        f"/api/v1/evidence/{item['id']}/removals",
        json={"reason": "retention period ended"},
        headers=org["admin"].headers,
    )
    assert_problem(response, 409)
    got = client.get(f"/api/v1/evidence/{item['id']}", headers=org["admin"].headers).json()
    assert got["removedAt"] is None
    content = client.get(f"/api/v1/evidence/{item['id']}/content", headers=org["admin"].headers)
    assert content.status_code == 200
