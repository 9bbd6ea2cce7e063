"""Evidence hashes and audit anchors are stamped by a real RFC 3161 TSA (OpenSSL on 127.0.0.1),
and OpenSSL alone verifies what Weerbaar hands out."""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import update
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from api.cli import cli
from app.audit import anchors
from app.audit.models import AuditEvent
from app.config import Settings
from app.db import utcnow
from app.jobs import service as jobs
from app.jobs.models import Job, JobStatus
from app.timestamp import client
from app.timestamp.models import EvidenceTimestamp
from tests.evidence.helpers import create_incident, png, upload
from tests.fixtures.tsa import Tsa, make_authority


def run_due_jobs(engine) -> None:
    """Run every job that is due now (nothing waits for real time)."""
    while jobs.run_one(engine, "test-worker"):
        pass


def make_due(engine, kind: str) -> None:
    """The back-off has passed: queued jobs of this kind are due now."""
    with Session(engine) as session:
        session.execute(
            update(Job)
            .where(col(Job.kind) == kind, col(Job.status) == JobStatus.queued.value)
            .values(run_at=utcnow())
        )
        session.commit()


def test_evidence_is_stamped_downloadable_and_verified_by_openssl(
    client, org, engine, tsa: Tsa, tmp_path: Path
):
    handler = org["case_handler"]
    incident = create_incident(client, handler)
    content = png(seed=31)
    digest = hashlib.sha256(content).hexdigest()
    created = upload(client, incident["id"], handler, content)
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["timestamp"] == {
        "state": "pending",
        "genTime": None,
        "tsa": None,
        "serial": None,
        "attempts": 0,
    }
    # Stored, not yet stamped: no token to hand out.
    assert client.get(f"/api/v1/evidence/{item['id']}/timestamp", headers=handler.headers).status_code == 404

    run_due_jobs(engine)
    shown = client.get(f"/api/v1/evidence/{item['id']}", headers=handler.headers).json()["timestamp"]
    assert shown["state"] == "stamped" and shown["tsa"] == "Weerbaar Test TSA" and shown["attempts"] == 1
    listed = client.get(f"/api/v1/incidents/{incident['id']}/evidence", headers=handler.headers).json()
    assert listed["items"][0]["timestamp"] == shown

    token = client.get(f"/api/v1/evidence/{item['id']}/timestamp", headers=handler.headers)
    assert token.status_code == 200
    assert token.headers["content-type"] == "application/timestamp-reply"
    assert f"{digest}.tsr" in token.headers["content-disposition"]
    (tmp_path / "token.tsr").write_bytes(token.content)
    assert "Verification: OK" in tsa.verify(tmp_path / "token.tsr", digest=digest)
    with Session(engine) as session:
        actions = set(session.exec(select(AuditEvent.action).where(AuditEvent.object_id == item["id"])).all())
    assert {"evidence.timestamped", "evidence.timestamp_downloaded"} <= actions
    # Without need-to-know for the incident, the token does not exist either.
    stranger = org["employee"]
    assert client.get(f"/api/v1/evidence/{item['id']}/timestamp", headers=stranger.headers).status_code == 404

    # The dossier carries the token; the export anchors the audit chain's head, timestamped too.
    dossier = client.get(f"/api/v1/incidents/{incident['id']}/dossier", headers=handler.headers)
    assert dossier.status_code == 200, dossier.text
    archive = zipfile.ZipFile(io.BytesIO(dossier.content))
    names = [n for n in archive.namelist() if n.startswith("timestamps/")]
    assert names == [f"timestamps/001-{digest}.tsr"]
    (tmp_path / "dossier.tsr").write_bytes(archive.read(names[0]))
    assert "Verification: OK" in tsa.verify(tmp_path / "dossier.tsr", digest=digest)
    sums = archive.read("SHA256SUMS").decode()
    assert f"{hashlib.sha256(archive.read(names[0])).hexdigest()}  {names[0]}" in sums

    run_due_jobs(engine)
    store = client.app.state.store  # type: ignore[attr-defined]
    newest = anchors.anchor_keys(store)[-1]
    (tmp_path / "anchor.json").write_bytes(b"".join(store.read(newest)))
    (tmp_path / "anchor.tsr").write_bytes(b"".join(store.read(anchors.token_key(newest))))
    assert "Verification: OK" in tsa.verify(tmp_path / "anchor.tsr", data=tmp_path / "anchor.json")
    verified = CliRunner().invoke(cli, ["verify-audit"])
    assert verified.exit_code == 0, verified.output
    assert "Anchors with a valid timestamp: 1 of 1." in verified.output
    assert "by Weerbaar Test TSA" in verified.output


def test_a_tsa_that_is_down_delays_the_stamp_but_never_the_evidence(client, org, engine, tsa: Tsa):
    handler = org["case_handler"]
    incident = create_incident(client, handler)
    with tsa.outage():
        created = upload(client, incident["id"], handler, png(seed=32))
        assert created.status_code == 201, created.text
        run_due_jobs(engine)
        make_due(engine, "timestamp.evidence")
        run_due_jobs(engine)
        shown = client.get(f"/api/v1/evidence/{created.json()['id']}", headers=handler.headers).json()
        assert shown["timestamp"]["state"] == "pending" and shown["timestamp"]["attempts"] == 2
        with Session(engine) as session:
            row = session.get(EvidenceTimestamp, uuid.UUID(created.json()["id"]))
            assert row is not None and "cannot be reached" in (row.last_error or "")
            job = session.exec(select(Job).where(Job.kind == "timestamp.evidence")).one()
            assert job.status == "queued" and job.run_at > utcnow()  # retried later, with back-off
        # An anchor written meanwhile exists without a timestamp; its job fails, to be retried.
        anchored = CliRunner().invoke(cli, ["anchor-audit"])
        assert anchored.exit_code == 0 and "No timestamp: the TSA cannot be reached" in anchored.output
    make_due(engine, "timestamp.evidence")
    run_due_jobs(engine)
    shown = client.get(f"/api/v1/evidence/{created.json()['id']}", headers=handler.headers).json()
    assert shown["timestamp"]["state"] == "stamped" and shown["timestamp"]["attempts"] == 3


@pytest.mark.parametrize("tsa_enabled", [False], ids=["no-tsa"])
def test_without_a_tsa_evidence_and_dossier_carry_the_server_time(client, org, engine, tsa_enabled):
    handler = org["case_handler"]
    incident = create_incident(client, handler)
    created = upload(client, incident["id"], handler, png(seed=33))
    assert created.status_code == 201, created.text
    assert created.json()["timestamp"]["state"] == "none"
    run_due_jobs(engine)
    with Session(engine) as session:
        assert session.exec(select(Job).where(Job.kind == "timestamp.evidence")).all() == []
    assert (
        client.get(f"/api/v1/evidence/{created.json()['id']}/timestamp", headers=handler.headers).status_code
        == 404
    )
    dossier = client.get(f"/api/v1/incidents/{incident['id']}/dossier", headers=handler.headers)
    assert dossier.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(dossier.content))
    assert not [n for n in archive.namelist() if n.startswith("timestamps/")]
    verified = CliRunner().invoke(cli, ["verify-audit"])
    assert verified.exit_code == 0 and "timestamp" not in verified.output


def test_replies_that_do_not_verify_are_refused_and_the_settings_need_the_tsa_ca(tsa: Tsa, tmp_path: Path):
    digest = hashlib.sha256(b"evidence").digest()
    trusted = Settings(tsa_url=tsa.url, tsa_ca_file=tsa.ca_file)
    token = client.stamp(digest, settings=trusted)
    assert token is not None and token.digest == digest and token.tsa_name == "Weerbaar Test TSA"
    # Another digest, or a CA that did not issue the TSA's certificate: refused.
    with pytest.raises(client.TsaError, match="does not verify"):
        client.verify(token.der, hashlib.sha256(b"other").digest(), settings=trusted)
    other_ca, _ = make_authority(tmp_path)
    with pytest.raises(client.TsaError, match="does not verify"):
        client.stamp(digest, settings=Settings(tsa_url=tsa.url, tsa_ca_file=other_ca))
    with pytest.raises(client.TsaError, match="HTTP 404"):
        client.stamp(digest, settings=Settings(tsa_url=tsa.url + "/missing", tsa_ca_file=tsa.ca_file))
    assert client.stamp(digest, settings=Settings()) is None
    with pytest.raises(ValidationError, match="WEERBAAR_TSA_CA_FILE"):
        Settings(tsa_url=tsa.url)
    with pytest.raises(ValidationError, match="http"):
        Settings(tsa_url="ftp://tsa.example", tsa_ca_file=tsa.ca_file)
    with pytest.raises(ValidationError, match="not a readable file"):
        Settings(tsa_url=tsa.url, tsa_ca_file=tmp_path / "missing.pem")
