"""Evidence timestamps in a real browser: stamped (time in the organisation's zone, TSA, token link),
pending while the TSA is down, and server time only without a TSA; nl and da, 1280 and 390 px."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlmodel import Session

from app.config import get_settings
from app.jobs import service as jobs
from app.jobs.handlers import register_all
from app.timestamp.models import EvidenceTimestamp
from tests.fixtures.factories import incident_body
from tests.fixtures.tsa import Tsa
from tests.web.helpers import at_both_widths, axe_violations, login, png

COORDINATOR = "coordinator@utrecht.example"


def _upload(server: Any, incident_id: str, content: bytes, name: str) -> dict[str, Any]:
    response = httpx.post(
        f"{server.url}/api/v1/incidents/{incident_id}/evidence",
        files={"file": (name, content, "image/png")},
        headers=server.tenant["coordinator"].headers,
        timeout=10,
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def _run_jobs(server: Any) -> None:
    while jobs.run_one(server.engine, "test-worker"):
        pass


def test_evidence_shows_its_timestamp_in_dutch_and_danish(
    server, browser, tsa: Tsa, artifacts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register_all()
    headers = server.tenant["coordinator"].headers
    incident = httpx.post(
        f"{server.url}/api/v1/incidents",
        json=incident_body(title="Bedreiging met tijdstempel"),
        headers=headers,
    ).json()
    # The server and its job runner read the TSA from the environment, as a deployment does.
    monkeypatch.setenv("WEERBAAR_TSA_URL", tsa.url)
    monkeypatch.setenv("WEERBAAR_TSA_CA_FILE", str(tsa.ca_file))
    get_settings.cache_clear()
    try:
        stamped = _upload(server, incident["id"], png(shade=10), "bericht.png")
        _run_jobs(server)
        with tsa.outage():
            pending = _upload(server, incident["id"], png(shade=20), "reactie.png")
            _run_jobs(server)
    finally:
        monkeypatch.delenv("WEERBAAR_TSA_URL")
        get_settings.cache_clear()
    unstamped = _upload(server, incident["id"], png(shade=30), "profiel.png")
    with Session(server.engine) as session:
        row = session.get(EvidenceTimestamp, uuid.UUID(stamped["id"]))
        assert row is not None and row.gen_time is not None
        local = row.gen_time.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%H:%M")

    context = browser.new_context(
        locale="nl-NL", viewport={"width": 1280, "height": 900}, accept_downloads=True, bypass_csp=True
    )
    page = context.new_page()
    login(page, server.url, COORDINATOR)
    page.goto(f"{server.url}/incidents/{incident['id']}#evidence")
    states = {
        name: page.locator(f"#evidence-{item['id']} [data-testid=timestamp]")
        for name, item in (("stamped", stamped), ("pending", pending), ("none", unstamped))
    }
    assert states["stamped"].get_attribute("data-state") == "stamped"
    assert (
        "door Weerbaar Test TSA" in states["stamped"].inner_text() and local in states["stamped"].inner_text()
    )
    assert states["pending"].inner_text().startswith("In afwachting: gevraagd aan de tijdstempeldienst")
    assert "pogingen tot nu toe: 1" in states["pending"].inner_text()
    assert states["none"].inner_text() == "Geen: de tijden zijn die van de eigen server"
    at_both_widths(page, artifacts, "timestamp-incident-nl")

    # The detail page offers the token; OpenSSL accepts what the browser downloads.
    page.goto(f"{server.url}/evidence/{stamped['id']}")
    shown = page.locator("[data-testid=timestamp]")
    assert "Betrouwbaar tijdstempel" in page.inner_text("main") and local in shown.inner_text()
    with page.expect_download() as download:
        page.click("text=Download het tijdstempelbewijs (.tsr)")
    token = tmp_path / "downloaded.tsr"
    download.value.save_as(token)
    assert "Verification: OK" in tsa.verify(token, digest=stamped["sha256"])
    assert stamped["sha256"] == hashlib.sha256(png(shade=10)).hexdigest()
    assert axe_violations(page) == []
    at_both_widths(page, artifacts, "timestamp-detail-nl")
    context.close()

    danish = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    page = danish.new_page()
    login(page, server.url, COORDINATOR)
    page.goto(f"{server.url}/evidence/{stamped['id']}")
    text = page.inner_text("main")
    assert "Betroet tidsstempel" in text and "af Weerbaar Test TSA" in text
    assert "Hent tidsstempelbeviset (.tsr)" in text
    page.goto(f"{server.url}/evidence/{pending['id']}")
    assert "Afventer: anmodet hos tidsstempeltjenesten" in page.inner_text("main")
    at_both_widths(page, artifacts, "timestamp-detail-da")
    danish.close()
