"""A sealed, readable dossier, checked as a recipient would: unzipped and verified with standard
command-line tools only (sha256sum, openssl cms, openssl ts, pyhanko, wacz), and its report read
(pdftotext) and looked at (pdftoppm pages in tests/artifacts/)."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlmodel import Session

from api.main import create_app
from app.config import ConfigurationError, Settings
from app.evidence.models import Evidence
from app.jobs import service as jobs
from tests.capture.pages import Pages
from tests.dossier.conftest import SealAuthority
from tests.evidence.helpers import png, upload
from tests.fixtures.factories import SECRET
from tests.fixtures.handling import make_incident, patch
from tests.fixtures.tsa import Tsa

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
BIN = Path(sys.executable).parent
# A PDF signature validator (pyHanko), trusting only the roots named with --trust.
VALIDATE_PDF = (
    BIN / "pyhanko",
    "sign",
    "validate",
    "--pretty-print",
    "--no-revocation-check",
    "--trust-replace",
)
# Codes of what the scenario records: none may appear in the report, only their labels.
CODES = (
    "threat", "doxxing", "criminal", "privacy", "actionable", "employee", "employee_account",
    "high", "citizen", "facebook", "police_report", "done", "sent", "acknowledged", "screenshot",
    "web_capture", "case_handler", "uploaded", "exported", "once", "organisation",
)  # fmt: skip


def _run(*command: str | Path, cwd: Path) -> str:
    """A command-line tool, as the recipient runs it; fails the test unless it succeeds."""
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def _export(client: TestClient, incident_id: str, member, folder: Path) -> Path:
    response = client.get(f"/api/v1/incidents/{incident_id}/dossier?reason=aangifte", headers=member.headers)
    assert response.status_code == 200, response.text
    zipfile.ZipFile(io.BytesIO(response.content)).extractall(folder)
    return folder


def _report(folder: Path, name: str) -> str:
    """The report's text (pdftotext) and its pages as PNG in tests/artifacts/ (to look at)."""
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    _run("pdftoppm", "-png", "-r", "70", folder / "report.pdf", ARTIFACTS / name, cwd=folder)
    return _run("pdftotext", folder / "report.pdf", "-", cwd=folder)


def _assert_readable(text: str) -> None:
    """Labels, not codes; local times to the second, never ISO UTC with microseconds."""
    prose = re.sub(r"\S+@\S+|https?://\S+|\b[0-9a-f]{64}\b", " ", text)
    for code in CODES:
        assert not re.search(rf"(?<![\w/.-]){re.escape(code)}(?![\w/.-])", prose), code
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d", text), "microseconds"
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:", text), "ISO 8601 time"
    assert " · - · " not in text


def _run_jobs(engine) -> None:
    while jobs.run_one(engine, "test-worker"):
        pass


def _scenario(client: TestClient, org, engine, url: str) -> dict:
    """An employee reports; the case handler uploads a screenshot, captures the page, files the police
    report and asks the platform to remove the post; the TSA stamps every item."""
    handler = org["case_handler"]
    incident = make_incident(
        client,
        org["employee"],
        title="Dreigende reactie onder bericht van de gemeente",
        description="Onder het bericht over de nieuwe wijk staat het huisadres van de medewerker.",
        behaviours=["threat", "doxxing"],
        platform="facebook",
        locationKind="employee_account",
        urls=[url],
        frequency="once",
        targets=["employee"],
        affectedEmployees=[
            {"name": "Employee", "userId": str(org["employee"].user_id), "department": "Wijkzaken"}
        ],
        perpetrator={
            "known": True,
            "name": "Jan Trol",
            "accountHandles": ["@jantrol"],
            "relation": "citizen",
        },
    )
    assert (
        patch(client, f"/api/v1/incidents/{incident['id']}", {"severity": "high"}, handler).status_code == 200
    )
    shot = upload(
        client,
        incident["id"],
        handler,
        png(seed=7),
        filename="bericht.png",
        fields={"capturedAt": "2026-03-02T10:00:00.123456Z", "sourceUrl": url, "kind": "screenshot"},
    )
    assert shot.status_code == 201, shot.text
    capture = client.post(
        f"/api/v1/incidents/{incident['id']}/captures", json={"url": url}, headers=handler.headers
    )
    assert capture.status_code == 202, capture.text
    _run_jobs(engine)  # the capture (headless Chromium) and the TSA's stamps
    done = client.get(capture.headers["Location"], headers=handler.headers).json()
    assert done["status"] == "done", (done["reason"], done["detail"])
    # The incident requires a police report: its action was created with the incident.
    listed = client.get(f"/api/v1/incidents/{incident['id']}/actions", headers=handler.headers).json()[
        "items"
    ]
    action = next(a for a in listed if a["kind"] == "police_report")
    done = patch(
        client,
        f"/api/v1/actions/{action['id']}",
        {
            "status": "done",
            "policeReference": "PL0900-2026123456",
            "reportedAt": "2026-03-03T10:00:00Z",
            "outcome": "Aangifte opgenomen door wijkagent",
        },
        handler,
    )
    assert done.status_code == 200, done.text
    created = client.post(
        f"/api/v1/incidents/{incident['id']}/takedown-requests",
        json={
            "recipientKind": "platform",
            "recipientName": "Meta Platforms Ireland",
            "recipientEmail": "legal@meta.example",
            "urls": [url],
            "legalGround": "Art. 285 Sr",
            "illegalityExplanation": "Het bericht bedreigt een medewerker en noemt haar huisadres.",
            "notifierName": "Case Handler",
            "notifierEmail": "case_handler@utrecht.example",
            "goodFaith": True,
        },
        headers=handler.headers,
    )
    assert created.status_code == 201, created.text
    url = f"/api/v1/takedown-requests/{created.json()['id']}"
    assert patch(client, url, {"status": "sent"}, handler).status_code == 200
    answer = patch(
        client, url, {"status": "acknowledged", "response": "Ticket 778899 in behandeling"}, handler
    )
    assert answer.status_code == 200, answer.text
    return incident


@SQLITE
def test_dossier_verifies_with_command_line_tools_alone(
    client, org, engine, tsa: Tsa, seal_authority: SealAuthority, pages: Pages, tmp_path: Path
):
    """The Done-when test: export, unzip, verify everything with standard tools, read the report."""
    incident = _scenario(client, org, engine, f"{pages.https}/page.html")
    _run_jobs(engine)  # the TSA stamps every item's hash
    folder = _export(client, incident["id"], org["case_handler"], tmp_path / "dossier")
    names = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    tokens = [n for n in names if n.startswith("timestamps/") and n.endswith(".tsr")]
    waczs = [n for n in names if n.endswith(".wacz")]
    # The uploaded screenshot, and the capture's WACZ, screenshot and metadata: four items, four tokens.
    assert len(tokens) == 4 and len(waczs) == 1, names
    expected = {"SHA256SUMS", "SHA256SUMS.p7s", "manifest.json", "manifest.json.p7s", "report.pdf",
                "VERIFY.txt", "seal-certificate.pem", "evidence/001-bericht.png"}  # fmt: skip
    assert expected <= set(names)

    # 1. Every file against the sums; the sums and the manifest against the organisation's seal.
    assert _run("sha256sum", "-c", "SHA256SUMS", cwd=folder).count(": OK") == len(names) - 3
    shutil.copy(seal_authority.ca_file, folder / "ca.pem")
    for name in ("SHA256SUMS", "manifest.json"):
        out = _run("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-content", name, "-in",
                   f"{name}.p7s", "-CAfile", "ca.pem", "-out", "/dev/null", cwd=folder)  # fmt: skip
        assert "Verification successful" in out
    # A changed list of sums no longer verifies.
    tampered = folder / "SHA256SUMS.changed"
    tampered.write_bytes((folder / "SHA256SUMS").read_bytes().replace(b"  evidence/001", b"  evidence/009"))
    refused = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-content", tampered, "-in",
         "SHA256SUMS.p7s", "-CAfile", "ca.pem", "-out", "/dev/null"],
        cwd=folder, capture_output=True, text=True,
    )  # fmt: skip
    assert refused.returncode != 0
    # 2. Every timestamp token with OpenSSL against the TSA's CA (shipped as tsa-ca.pem).
    manifest = json.loads((folder / "manifest.json").read_text())
    for item in manifest["evidence"]:
        token = item["timestamp"]["token"]
        out = _run("openssl", "ts", "-verify", "-digest", item["sha256"], "-in", token,
                   "-CAfile", "tsa-ca.pem", cwd=folder)  # fmt: skip
        assert "Verification: OK" in out
    # 3. The PAdES signature on the report (with its signature timestamp) by a PDF signature validator.
    out = _run(*VALIDATE_PDF, "--trust", "ca.pem", "--trust", "tsa-ca.pem", "report.pdf", cwd=folder)
    assert "The signature is judged VALID" in out and "The signer's certificate is trusted" in out, out
    assert "The TSA certificate is trusted" in out, out
    assert 'pdfaid:part="2"' in _run("pdfinfo", "-meta", "report.pdf", cwd=folder).replace(
        "'", '"'
    )  # PDF/A-2
    # 4. The captured web page.
    assert "is valid" in _run(BIN / "wacz", "validate", "-f", waczs[0], cwd=folder).lower()
    # VERIFY.txt names each of these steps, in the organisation's language.
    verify = (folder / "VERIFY.txt").read_text()
    assert verify.startswith("Zo controleert u dit dossier")
    for step in ("sha256sum -c SHA256SUMS", "openssl cms -verify", "openssl ts -verify",
                 "--trust ca.pem --trust tsa-ca.pem report.pdf", f"wacz validate -f {waczs[0]}",
                 *tokens):  # fmt: skip
        assert step in verify, step
    assert "gekwalificeerd" not in verify  # a certificate from a CA: no self-signed note

    # The report, in Dutch, for the police: labels, local times, the people, the handling.
    text = _report(folder, "dossier-report-nl")
    flat = " ".join(text.split())
    _assert_readable(text)
    for expected in (
        "Incidentdossier", "Bedreiging", "Doxing (persoonsgegevens publiceren)", "Strafbaar feit",
        "Het eigen account van de medewerker", "Hoog", "Burger", "Jan Trol", "@jantrol",
        "Casebehandelaar", "heeft dit dossier samengesteld", "heeft bewijs vastgelegd",
        "heeft het incident gemeld",
        "Aangifte", "PL0900-2026123456", "03-03-2026 11:00:00 CET", "02-03-2026 11:00:00 CET",
        "Verzoeken om verwijdering", "Meta Platforms Ireland", "Ontvangst bevestigd", "Ticket 778899",
        "Schermafbeelding", "Vastgelegde webpagina", "Sr 285", "tijdzone Europe/Amsterdam", "Bewaarketen",
        "Gemeente Utrecht dossier seal",
    ):  # fmt: skip
        assert expected in flat, expected
    assert "alleen servertijd" not in flat  # every item carries a TSA timestamp
    assert "geladen door de browser van de server" in flat and "(HTTP 200)" in flat  # the capture
    for item in manifest["evidence"]:
        assert item["sha256"] in text.replace("\n", "")


@SQLITE
@pytest.mark.parametrize("sealed", [False])
def test_embedded_default_seal_marks_tampered_evidence_in_danish(
    client, other_org, engine, settings: Settings, tmp_path: Path
):
    """Without a configured seal or TSA (the embedded default): a self-signed seal that says it is not
    qualified, server times; evidence whose verification failed is marked everywhere, in Danish."""
    handler = other_org["case_handler"]
    incident = make_incident(client, handler, behaviours=["threat"], platform="x", severity="critical")
    intact = upload(client, incident["id"], handler, png(seed=11), filename="opslag.png").json()
    forged = upload(client, incident["id"], handler, png(seed=12), filename="trussel.png").json()
    with Session(engine) as session:
        item = session.get(Evidence, uuid.UUID(forged["id"]))
        assert item is not None and item.storage_key
        path = settings.data_dir / "evidence" / item.storage_key
    os.chmod(path, 0o640)
    path.write_bytes(png(seed=99) + b"forged")
    for evidence_id in (intact["id"], forged["id"]):
        client.post(f"/api/v1/evidence/{evidence_id}/verifications", headers=handler.headers)
    folder = _export(client, incident["id"], handler, tmp_path / "dossier")

    sums = (folder / "SHA256SUMS").read_text().splitlines()
    failed = [line for line in sums if "trussel.png" in line]
    assert (
        len(failed) == 1 and failed[0].startswith("# FAILED VERIFICATION") and forged["sha256"] in failed[0]
    )
    assert not (folder / "evidence" / "002-trussel.png").exists()
    _run("sha256sum", "-c", "SHA256SUMS", cwd=folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    marked = {e["id"]: e["integrityFailed"] for e in manifest["evidence"]}
    assert marked == {intact["id"]: False, forged["id"]: True}
    # The self-signed certificate is its own trust anchor, as VERIFY.txt tells the recipient.
    shutil.copy(folder / "seal-certificate.pem", folder / "ca.pem")
    out = _run("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-content", "SHA256SUMS", "-in",
               "SHA256SUMS.p7s", "-CAfile", "ca.pem", "-out", "/dev/null", cwd=folder)  # fmt: skip
    assert "Verification successful" in out
    out = _run(*VALIDATE_PDF, "--trust", "ca.pem", "report.pdf", cwd=folder)  # fmt: skip
    assert "The signature is judged VALID" in out, out
    verify = (folder / "VERIFY.txt").read_text()
    assert verify.startswith("Sådan kontrolleres dette dossier")
    assert "IKKE et kvalificeret segl" in verify and "Ingen betroede tidsstempler" in verify
    assert "MISLYKKEDES" in verify

    text = _report(folder, "dossier-report-da")
    flat = " ".join(text.split())
    _assert_readable(text)
    for expected in ("Hændelsesdossier", "Trussel", "Kritisk", "X (Twitter)", "Sagsbehandler",
                     "VERIFIKATION MISLYKKEDES", "ikke et kvalificeret segl", "intet: kun serverens tid",
                     "tidszonen Europe/Copenhagen", "Ændret: hashværdien passer ikke"):  # fmt: skip
        assert expected in flat, expected


def test_production_refuses_to_start_without_a_valid_seal(seal_authority: SealAuthority, tmp_path: Path):
    production = {
        "environment": "production",
        "secret_key": SecretStr(SECRET),
        "audit_key": SecretStr("k" * 40),
        "database_url": f"sqlite:///{tmp_path / 'w.sqlite3'}",
        "data_dir": tmp_path,
    }
    with pytest.raises(ConfigurationError, match="WEERBAAR_SEAL_CERTIFICATE_FILE"):
        create_app(Settings(**production))
    expired = Settings(
        **production,
        seal_certificate_file=seal_authority.expired_certificate_file,
        seal_key_file=seal_authority.key_file,
    )
    with pytest.raises(ConfigurationError, match="not valid now"):
        create_app(expired)
    with pytest.raises(ConfigurationError, match="cannot be read"):
        create_app(expired.model_copy(update={"seal_certificate_file": tmp_path / "missing.pem"}))
    app = create_app(expired.model_copy(update={"seal_certificate_file": seal_authority.certificate_file}))
    app.state.engine.dispose()
    assert not (tmp_path / "seal").exists()  # no self-signed certificate in production


@SQLITE
def test_a_tsa_that_is_down_leaves_the_report_sealed_without_its_timestamp(
    client, org, tsa: Tsa, seal_authority: SealAuthority, tmp_path: Path
):
    incident = make_incident(client, org["case_handler"])
    with tsa.outage():
        folder = _export(client, incident["id"], org["case_handler"], tmp_path / "dossier")
    shutil.copy(seal_authority.ca_file, folder / "ca.pem")
    out = _run(*VALIDATE_PDF, "--trust", "ca.pem", "report.pdf", cwd=folder)
    assert "The signature is judged VALID" in out, out
    _run("sha256sum", "-c", "SHA256SUMS", cwd=folder)
    verify = (folder / "VERIFY.txt").read_text()
    assert "geen tijdstempel (de tijdstempeldienst antwoordde niet)" in " ".join(verify.split())
