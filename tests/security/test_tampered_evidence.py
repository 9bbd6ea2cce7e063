"""Evidence whose last verification found other bytes is never served or exported as if intact."""

from __future__ import annotations

import io
import json
import os
import subprocess
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import Session, col, select

from api.main import create_app
from app.config import Settings
from app.evidence.models import CustodyEvent, Evidence
from tests.evidence.helpers import create_incident, png, upload
from tests.fixtures.factories import add_member, make_tenant
from tests.web.helpers import log_in
from web.main import create_web

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _tamper(settings: Settings, engine, evidence_id: str) -> bytes:
    """Overwrite the stored object on disk, as an intruder with file access would."""
    with Session(engine) as session:
        item = session.get(Evidence, uuid.UUID(evidence_id))
        assert item is not None and item.storage_key
        path = settings.data_dir / "evidence" / item.storage_key
    forged = png(seed=99) + b"forged"
    os.chmod(path, 0o640)
    path.write_bytes(forged)
    return forged


def _custody_kinds(engine, evidence_id: str) -> list[str]:
    with Session(engine) as session:
        stmt = select(CustodyEvent).where(CustodyEvent.evidence_id == uuid.UUID(evidence_id))
        return [e.kind for e in session.exec(stmt.order_by(CustodyEvent.at)).all()]


def _arrange(client, org, engine, settings) -> tuple[dict, str, str, bytes]:
    handler = org["case_handler"]
    incident = create_incident(client, handler)
    intact = upload(client, incident["id"], handler, png(seed=1), filename="intact.png").json()["id"]
    tampered = upload(client, incident["id"], handler, png(seed=2), filename="threat.png").json()["id"]
    forged = _tamper(settings, engine, tampered)
    for evidence_id in (intact, tampered):
        client.post(f"/api/v1/evidence/{evidence_id}/verifications", headers=handler.headers)
    return incident, intact, tampered, forged


def test_tampered_content_is_refused_unless_explicitly_accepted_and_then_recorded(
    client, org, engine, settings
):
    _incident, _intact, tampered, forged = _arrange(client, org, engine, settings)
    headers = org["case_handler"].headers
    assert (
        client.get(f"/api/v1/evidence/{tampered}", headers=headers).json()["lastVerificationResult"]
        == "mismatch"
    )
    before = _custody_kinds(engine, tampered)
    url = f"/api/v1/evidence/{tampered}/content"
    for extra in ({}, {"Range": "bytes=0-9"}):
        refused = client.get(url, headers={**headers, **extra})
        assert refused.status_code == 409, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["type"].endswith("/api/v1/problems/evidence-integrity-failed")
        assert "acceptTampered" in refused.json()["detail"]
    assert _custody_kinds(engine, tampered) == before  # a refusal leaves nothing behind

    served = client.get(
        url, params={"acceptTampered": "true", "reason": "forensic examination"}, headers=headers
    )
    assert served.status_code == 200
    assert served.content == forged
    assert "etag" not in served.headers  # the stored hash does not describe these bytes
    assert "integrity-failed-threat.png" in served.headers["content-disposition"]
    with Session(engine) as session:
        last = session.exec(
            select(CustodyEvent)
            .where(CustodyEvent.kind == "downloaded")
            .order_by(col(CustodyEvent.at).desc())
        ).first()
    assert last is not None and last.details == {"integrity": "failed", "acceptedTampered": True}
    assert last.reason == "forensic examination"


def test_dossier_withholds_tampered_content_and_says_so(client, org, engine, settings, tmp_path: Path):
    incident, intact, tampered, _forged = _arrange(client, org, engine, settings)
    response = client.get(f"/api/v1/incidents/{incident['id']}/dossier", headers=org["case_handler"].headers)
    assert response.status_code == 200, response.text
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert any(n.endswith("intact.png") for n in names)
    assert not any(n.endswith("threat.png") for n in names)
    manifest = json.loads(archive.read("manifest.json"))
    by_id = {e["id"]: e for e in manifest["evidence"]}
    assert by_id[tampered]["integrityFailed"] is True and "path" not in by_id[tampered]
    assert by_id[tampered]["lastVerificationResult"] == "mismatch"
    assert "contentWithheld" in by_id[tampered]
    assert by_id[intact]["integrityFailed"] is False and by_id[intact]["path"]
    sums = archive.read("SHA256SUMS").decode().splitlines()
    failed = [line for line in sums if "threat.png" in line]
    assert len(failed) == 1 and failed[0].startswith("# FAILED VERIFICATION")
    assert by_id[tampered]["sha256"] in failed[0]
    # The sums still check with the standard tool: the comment line is skipped.
    archive.extractall(tmp_path / "dossier")
    check = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path / "dossier", capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    report = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(archive.read("report.pdf"))).pages)
    assert "VERIFICATIE MISLUKT" in report.replace("\n", " ")
    assert "exported" not in _custody_kinds(engine, tampered)
    assert "exported" in _custody_kinds(engine, intact)


@pytest.fixture
def web_app(settings: Settings) -> Iterator[FastAPI]:
    """API and UI in one app; the UI reaches the API in-process (as in tests/web/conftest.py)."""
    web = create_web(api_url="http://testserver/api/v1", secret_key=settings.resolved_secret_key())
    application = create_app(settings, web=web)
    web.state.transport = httpx.ASGITransport(app=application)
    yield application
    application.state.engine.dispose()


def test_the_ui_shows_the_item_as_failed_without_a_download(web_app, settings):
    engine = web_app.state.engine
    tenant = make_tenant(engine, slug="utrecht")
    coordinator = add_member(engine, tenant, key="coordinator", roles=["case_handler", "admin"])
    api = TestClient(web_app, raise_server_exceptions=False)
    _incident, intact, tampered, _forged = _arrange(api, {"case_handler": coordinator}, engine, settings)
    browser = TestClient(web_app, raise_server_exceptions=False, follow_redirects=False)
    log_in(browser)
    page = browser.get(f"/incidents/{_incident['id']}").text
    assert f'href="/evidence/{intact}/content"' in page
    assert f'href="/evidence/{tampered}/content"' not in page
    assert "weerbaar-integrity-failed" in page
    assert browser.get(f"/evidence/{tampered}/content").status_code == 409
