"""The dossier: a streamed ZIP that `sha256sum -c` accepts, with manifest and report."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile

import pytest

from tests.evidence.helpers import assert_problem, create_incident, png, upload

BOTH_STORES = pytest.mark.parametrize("store_kind", ["filesystem", "s3"], indirect=True)


@BOTH_STORES
def test_dossier_zip_verifies_with_sha256sum_and_holds_manifest_and_report(client, org, tmp_path, store_kind):
    incident = create_incident(
        client,
        org["case_handler"],
        urls=["https://x.com/troll/status/1"],
        perpetrator={"known": True, "name": "Troll", "accountHandles": ["@troll"], "relation": "citizen"},
    )
    shot = upload(
        client,
        incident["id"],
        org["case_handler"],
        png(seed=5),
        filename="shot.png",
        fields={"capturedAt": "2026-03-02T10:00:00Z", "sourceUrl": "https://x.com/troll/status/1"},
    ).json()
    mail = upload(
        client,
        incident["id"],
        org["case_handler"],
        b"From: troll@example.org\r\nTo: me@utrecht.example\r\nSubject: x\r\n\r\nI know where you live.\r\n",
        filename="../threat.eml",
    ).json()
    response = client.get(
        f"/api/v1/incidents/{incident['id']}/dossier?reason=aangifte", headers=org["case_handler"].headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith(
        f'attachment; filename="{incident["reference"]}-dossier.zip"'
    )
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert names == [
        "evidence/001-shot.png",
        "evidence/002-threat.eml",
        "manifest.json",
        "report.pdf",
        "seal-certificate.pem",
        "VERIFY.txt",
        "SHA256SUMS",
        "SHA256SUMS.p7s",
        "manifest.json.p7s",
    ]
    assert archive.read("evidence/001-shot.png") == png(seed=5)
    assert archive.read("report.pdf").startswith(b"%PDF")
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["incident"]["reference"] == incident["reference"]
    files = {f["id"]: f for f in manifest["evidence"]}
    assert files[shot["id"]]["sha256"] == shot["sha256"]
    assert files[shot["id"]]["capturedAt"] == "2026-03-02T10:00:00Z"
    assert files[shot["id"]]["sourceUrl"] == "https://x.com/troll/status/1"
    assert [e["kind"] for e in files[mail["id"]]["custodyEvents"]] == ["uploaded", "exported"]
    assert files[mail["id"]]["custodyEvents"][1]["reason"] == "aangifte"
    sums = archive.read("SHA256SUMS").decode()
    assert f"{shot['sha256']}  evidence/001-shot.png\n" in sums
    if shutil.which("sha256sum"):
        target = tmp_path / "unzipped"
        archive.extractall(target)
        check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=target, capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        assert check.stdout.count(": OK") == 6  # the evidence, manifest, report, certificate, VERIFY.txt
    if shutil.which("unzip"):
        (tmp_path / "d.zip").write_bytes(response.content)
        assert subprocess.run(["unzip", "-tq", str(tmp_path / "d.zip")], capture_output=True).returncode == 0
    custody = client.get(f"/api/v1/evidence/{shot['id']}/custody-events", headers=org["case_handler"].headers)
    assert [e["kind"] for e in custody.json()["items"]] == ["uploaded", "exported"]


def test_dossier_report_text_names_the_facts_and_articles(client, org):
    pdfminer = pytest.importorskip("pypdf")
    incident = create_incident(client, org["case_handler"], behaviours=["threat", "doxxing"])
    upload(client, incident["id"], org["case_handler"])
    response = client.get(f"/api/v1/incidents/{incident['id']}/dossier", headers=org["case_handler"].headers)
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    text = "".join(p.extract_text() for p in pdfminer.PdfReader(io.BytesIO(archive.read("report.pdf"))).pages)
    assert incident["reference"] in text
    assert "Sr 285" in text


def test_dossier_report_lists_the_same_articles_as_the_legal_assessment(client, org):
    pdfminer = pytest.importorskip("pypdf")
    incident = create_incident(client, org["case_handler"], behaviours=["insult", "doxxing"])
    assessment = client.get(
        f"/api/v1/incidents/{incident['id']}/legal-assessment", headers=org["case_handler"].headers
    ).json()
    response = client.get(f"/api/v1/incidents/{incident['id']}/dossier", headers=org["case_handler"].headers)
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    text = "".join(p.extract_text() for p in pdfminer.PdfReader(io.BytesIO(archive.read("report.pdf"))).pages)
    codes = [a["code"] for a in assessment["suggestedArticles"]]
    assert codes
    for code in codes:
        assert code in text


def test_dossier_of_foreign_or_hidden_incident_is_not_found(client, org, other_org):
    incident = create_incident(client, org["case_handler"])
    for member in (other_org["case_handler"], org["employee"]):
        assert_problem(client.get(f"/api/v1/incidents/{incident['id']}/dossier", headers=member.headers), 404)


def test_dossier_of_incident_without_evidence_has_manifest_and_report(client, org):
    incident = create_incident(client, org["employee"])
    response = client.get(f"/api/v1/incidents/{incident['id']}/dossier", headers=org["employee"].headers)
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == [
        "manifest.json",
        "report.pdf",
        "seal-certificate.pem",
        "VERIFY.txt",
        "SHA256SUMS",
        "SHA256SUMS.p7s",
        "manifest.json.p7s",
    ]


def test_dossier_with_a_missing_object_is_refused_and_records_no_export(client, org, app):
    incident = create_incident(client, org["case_handler"])
    item = upload(client, incident["id"], org["case_handler"]).json()
    (app.state.store.root / f"{org.organisation_id}/{incident['id']}/{item['id']}").unlink()
    response = client.get(f"/api/v1/incidents/{incident['id']}/dossier", headers=org["case_handler"].headers)
    assert_problem(response, 503)
    custody = client.get(f"/api/v1/evidence/{item['id']}/custody-events", headers=org["case_handler"].headers)
    assert [e["kind"] for e in custody.json()["items"]] == ["uploaded"]
