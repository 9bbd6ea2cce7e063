"""Capturing a URL as evidence: one real capture checked from every side, and every way it can fail."""

from __future__ import annotations

import contextlib
import io
import json
import uuid
import zipfile
from pathlib import Path

import pytest
from sqlmodel import Session, select
from wacz.main import main as wacz_main
from warcio.archiveiterator import ArchiveIterator

from app.capture import service as captures
from app.evidence.models import CustodyEvent, Evidence
from app.jobs import service as job_runner
from app.jobs.models import Job
from tests.capture.pages import IMAGES, INTERNAL_IMAGE, JS_TEXT
from tests.evidence.helpers import create_incident, visible_objects


def capture(client, incident_id: str, member, url: str):
    """POST a capture of the URL."""
    return client.post(f"/api/v1/incidents/{incident_id}/captures", json={"url": url}, headers=member.headers)


def run_jobs(engine) -> None:
    """Run every due job (the capture) in this thread, as a worker would."""
    while job_runner.run_one(engine, "test-worker"):
        pass
    with Session(engine) as session:  # a capture ends as done or failed; its job never errs
        errors = [j.last_error for j in session.exec(select(Job)).all() if j.last_error]
    assert errors == [], errors[0]


def download(client, evidence_id: str, member) -> bytes:
    response = client.get(f"/api/v1/evidence/{evidence_id}/content", headers=member.headers)
    assert response.status_code == 200, response.text
    return response.content


def test_capture_of_an_https_page_after_a_redirect_stores_wacz_screenshot_and_metadata(
    client, org, other_org, engine, pages, capture_env, tmp_path: Path
):
    handler = org["case_handler"]
    incident = create_incident(client, org["employee"])
    url = f"{pages.https}/redirect"

    # Only case handling staff capture; others of the organisation and other tenants do not.
    assert capture(client, incident["id"], org["employee"], url).status_code in (403, 404)
    assert capture(client, incident["id"], org["auditor"], url).status_code in (403, 404)
    assert capture(client, incident["id"], other_org["case_handler"], url).status_code == 404

    response = capture(client, incident["id"], handler, url)
    assert response.status_code == 202, response.text
    queued = response.json()
    assert queued["status"] == "queued" and queued["url"] == url
    assert response.headers["Location"] == f"/api/v1/captures/{queued['id']}"
    run_jobs(engine)

    done = client.get(f"/api/v1/captures/{queued['id']}", headers=handler.headers).json()
    assert done["status"] == "done", (done["reason"], done["detail"])
    assert done["finalUrl"] == f"{pages.https}/page.html"
    assert done["httpStatus"] == 200 and done["reason"] is None
    listed = client.get(f"/api/v1/incidents/{incident['id']}/captures", headers=handler.headers).json()
    assert [c["id"] for c in listed["items"]] == [queued["id"]]
    assert (
        client.get(f"/api/v1/captures/{queued['id']}", headers=other_org["case_handler"].headers).status_code
        == 404
    )

    # The WACZ: valid by Webrecorder's own validator, every response in its WARC.
    wacz = tmp_path / "capture.wacz"
    wacz.write_bytes(download(client, done["waczEvidenceId"], handler))
    # Webrecorder's validator, as `wacz validate -f` runs it (in-process: its imports are loaded).
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        code = wacz_main(["validate", "-f", str(wacz)])
    assert code == 0 and "is valid" in output.getvalue(), output.getvalue()
    responses: dict[str, tuple[int, bytes, str | None]] = {}
    resources: dict[str, bytes] = {}
    with zipfile.ZipFile(wacz) as archive:
        warcs = [n for n in archive.namelist() if n.startswith("archive/")]
        assert len(warcs) == 1
        for record in ArchiveIterator(io.BytesIO(archive.read(warcs[0]))):
            uri = record.rec_headers.get_header("WARC-Target-URI")
            if record.rec_type == "response":
                status = int(record.http_headers.get_statuscode())
                ip = record.rec_headers.get_header("WARC-IP-Address")
                responses[uri] = (status, record.content_stream().read(), ip)
            elif record.rec_type == "resource":
                resources[uri] = record.content_stream().read()
    assert responses[url][0] == 302
    for path, body in IMAGES.items():
        assert responses[f"{pages.https}{path}"][:2] == (200, body)
    assert responses[f"{pages.https}/data.json"][2] == "127.0.0.1"
    # The page as rendered: the text built by its script is in the DOM kept beside the screenshot.
    dom = resources[f"urn:dom:{pages.https}/page.html"].decode()
    assert JS_TEXT in dom and JS_TEXT.encode() not in responses[f"{pages.https}/page.html"][1]

    screenshot = download(client, done["screenshotEvidenceId"], handler)
    assert screenshot.startswith(b"\x89PNG\r\n\x1a\n")
    assert resources[f"urn:view:{pages.https}/page.html"] == screenshot

    meta = json.loads(download(client, done["metadataEvidenceId"], handler))
    assert meta["requestedUrl"] == url and meta["finalUrl"] == f"{pages.https}/page.html"
    assert meta["httpStatus"] == 200 and meta["serverIp"] == "127.0.0.1"
    assert ["X-Test-Server", "weerbaar-capture"] in meta["responseHeaders"]
    assert "Chrome/" in meta["userAgent"] and "Headless" not in meta["userAgent"]
    assert meta["redirects"] == [
        {"url": url, "httpStatus": 302, "location": "/page.html", "serverIp": "127.0.0.1"}
    ]
    assert meta["refusedRequests"] == [{"url": INTERNAL_IMAGE, "reason": "address_refused"}]
    assert INTERNAL_IMAGE not in responses
    assert set(meta["tools"]) >= {"weerbaar", "chromium", "playwright", "warcio", "wacz"}
    assert meta["startedAt"].endswith("Z") and meta["requestedBy"]["id"] == str(handler.user_id)

    with Session(engine) as session:
        items = {
            str(e.id): e
            for e in session.exec(select(Evidence).where(Evidence.incident_id == uuid.UUID(incident["id"])))
        }
        assert set(items) == {
            done["waczEvidenceId"],
            done["screenshotEvidenceId"],
            done["metadataEvidenceId"],
        }
        wacz_item = items[done["waczEvidenceId"]]
        assert (wacz_item.kind, wacz_item.content_type, wacz_item.source_url) == (
            "web_capture",
            "application/wacz",
            url,
        )
        assert items[done["screenshotEvidenceId"]].kind == "screenshot"
        assert meta["files"]["wacz"]["sha256"] == wacz_item.sha256
        assert meta["files"]["screenshot"]["sha256"] == items[done["screenshotEvidenceId"]].sha256
        for item in items.values():
            assert item.uploaded_by_user_id == handler.user_id and item.captured_at is not None
            custody = session.exec(select(CustodyEvent).where(CustodyEvent.evidence_id == item.id)).all()
            assert "uploaded" in [c.kind for c in custody]
        # The takedown gate counts the capture for the URL asked for and the page it ended at.
        secured = captures.urls_captured(
            session,
            incident_id=uuid.UUID(incident["id"]),
            urls=[url, f"{pages.https}/page.html", f"{pages.https}/other"],
        )
        assert secured == {url, f"{pages.https}/page.html"}
        assert session.exec(select(Job).where(Job.kind == captures.CAPTURE_JOB)).one().status == "done"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_captures_that_cannot_succeed_are_refused_or_fail_with_a_reason_and_store_nothing(
    client, app, settings, org, engine, pages, capture_env
):
    handler = org["case_handler"]
    incident = create_incident(client, org["employee"])
    store = app.state.store

    # Refused at once (400, a field error on url): not http(s), and loopback without the setting.
    for bad in (
        "ftp://example.org/file",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://user:pw@example.org/",
    ):
        response = capture(client, incident["id"], handler, bad)
        assert response.status_code == 400, bad
        assert response.headers["content-type"].startswith("application/problem+json")
        assert [(e["name"], e["code"]) for e in response.json()["errors"]] == [("url", "url_invalid")]
    with pytest.MonkeyPatch.context() as strict:
        strict.setattr(settings, "capture_allowed_networks", "")
        for internal in (f"{pages.http}/page.html", "http://169.254.169.254/latest/", "http://[::1]/"):
            response = capture(client, incident["id"], handler, internal)
            assert response.status_code == 400, internal
            assert response.json()["errors"][0]["code"] == "capture_target_not_public"

    # Accepted, then failed in the job with a reason; a short time limit for the page that hangs.
    capture_env.setenv("WEERBAAR_CAPTURE_TIMEOUT_SECONDS", "2")
    capture_env.setenv("WEERBAAR_CAPTURE_MAX_BYTES", "100000")
    from app.config import get_settings

    get_settings.cache_clear()
    expected = {
        f"{pages.http}/to-private": ("address_refused", None),
        f"{pages.http}/missing.html": ("http_error", 404),
        "http://no-such-host.invalid/page": ("dns_failed", None),
        f"{pages.http}/hang.html": ("timeout", None),
        f"{pages.http}/big.html": ("too_large", None),
    }
    ids = {}
    for url in expected:
        response = capture(client, incident["id"], handler, url)
        assert response.status_code == 202, response.text
        ids[url] = response.json()["id"]
    # An untrusted certificate: the same HTTPS server without the test CA.
    capture_env.setenv("WEERBAAR_CAPTURE_CA_FILE", "")
    get_settings.cache_clear()
    untrusted = capture(client, incident["id"], handler, f"{pages.https}/page.html").json()["id"]
    run_jobs(engine)
    # No browser on the server: a clear reason, no crash.
    capture_env.setenv("WEERBAAR_CAPTURE_BROWSER_PATH", "/nonexistent/chromium")
    get_settings.cache_clear()
    no_browser = capture(client, incident["id"], handler, f"{pages.http}/page.html").json()["id"]
    run_jobs(engine)

    ids[f"{pages.https}/page.html"], ids["(no browser)"] = untrusted, no_browser
    expected |= {
        f"{pages.https}/page.html": ("tls_failed", None),
        "(no browser)": ("browser_unavailable", None),
    }
    for url, (reason, status) in expected.items():
        found = client.get(f"/api/v1/captures/{ids[url]}", headers=handler.headers).json()
        assert (found["status"], found["reason"], found["httpStatus"]) == ("failed", reason, status), (
            url,
            found,
        )
        assert found["waczEvidenceId"] is None and found["detail"]
    with Session(engine) as session:
        assert (
            session.exec(select(Evidence).where(Evidence.incident_id == uuid.UUID(incident["id"]))).all()
            == []
        )
    assert visible_objects(store) == []
