"""Bad input in the browser: each case shows a clear message and loses nothing that was typed."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from tests.web.helpers import login, png, shoot

pytestmark = pytest.mark.slow
COORDINATOR = "coordinator@utrecht.example"


def report(page, base: str, title: str) -> str:
    """Report a minimal incident; its detail URL."""
    page.goto(f"{base}/incidents/new")
    page.fill("#input-title", title)
    page.select_option("#input-platform", "x")
    page.check("#behaviours-insult")
    page.click("text=Melding versturen")
    page.wait_for_url(re.compile(r".*/incidents/[0-9a-f-]{36}$"))
    return str(page.url)


def test_missing_fields_are_marked_and_the_input_stays(server, page, artifacts: Path) -> None:
    login(page, server.url, COORDINATOR)
    page.goto(f"{server.url}/incidents/new")
    page.fill("#input-description", "Hij schreef dat hij me zou opwachten.")
    page.fill("#input-urls", "niet-een-url")
    page.click("text=Melding versturen")
    page.locator("#error-title p").wait_for()
    assert page.inner_text("#error-platform")
    assert page.inner_text("#error-behaviours")
    assert "https://" in page.inner_text("#error-urls")
    assert page.input_value("#input-description") == "Hij schreef dat hij me zou opwachten."
    assert page.input_value("#input-urls") == "niet-een-url"
    assert page.url.endswith("/incidents/new")
    shoot(page, artifacts, "11-missing-fields")


def test_wrong_type_and_too_large_screenshots_are_refused_before_anything_is_saved(
    server, page, tmp_path: Path
) -> None:
    login(page, server.url, COORDINATOR)
    page.goto(f"{server.url}/incidents/new")
    page.fill("#input-title", "Nepaccount met mijn foto")
    page.select_option("#input-platform", "instagram")
    page.check("#behaviours-humiliation")
    notes = tmp_path / "notities.txt"
    notes.write_text("geen afbeelding")
    page.set_input_files("#input-screenshots", str(notes))
    page.click("text=Melding versturen")
    page.locator("#error-screenshots p").wait_for()
    assert "notities.txt" in page.inner_text("#error-screenshots")
    assert page.input_value("#input-title") == "Nepaccount met mijn foto"

    big = tmp_path / "groot.png"
    big.write_bytes(png() + b"\0" * 2_100_000)
    page.set_input_files("#input-screenshots", str(big))
    assert "te groot" in page.inner_text("[data-file-list]")
    page.click("text=Melding versturen")
    page.locator("#error-screenshots", has_text="groot.png").wait_for()
    assert page.input_value("#input-title") == "Nepaccount met mijn foto"
    assert page.is_checked("#behaviours-humiliation")


def test_evidence_of_a_refused_type_or_size_shows_why(server, page, artifacts: Path, tmp_path: Path) -> None:
    login(page, server.url, COORDINATOR)
    detail = report(page, server.url, "Bewijs dat niet past")
    program = tmp_path / "programma.exe"
    program.write_bytes(b"MZ\x90\x00" + bytes(range(256)) * 8)
    page.set_input_files("#evidence-input-file", str(program))
    page.fill("#evidence-input-description", "Bijlage uit de mail")
    page.click("#evidence button:has-text('Uploaden')")
    page.locator("#evidence-error-file p").wait_for()
    assert "programma.exe" in page.inner_text("#evidence-error-file")
    assert page.input_value("#evidence-input-description") == "Bijlage uit de mail"
    shoot(page, artifacts, "12-evidence-wrong-type")

    big = tmp_path / "video.png"
    big.write_bytes(png() + b"\0" * 2_100_000)
    page.set_input_files("#evidence-input-file", str(big))
    page.click("#evidence button:has-text('Uploaden')")
    page.locator("#evidence-error-file", has_text="video.png").wait_for()
    assert page.url == detail


def test_a_stale_edit_keeps_the_input_and_says_what_happened(server, page, artifacts: Path) -> None:
    login(page, server.url, COORDINATOR)
    detail = report(page, server.url, "Oorspronkelijke titel")
    incident_id = detail.rsplit("/", 1)[1]
    page.goto(f"{detail}/edit")
    # Someone else changes the incident in the meantime.
    api = f"{server.url}/api/v1/incidents/{incident_id}"
    headers = server.tenant["coordinator"].headers
    etag = httpx.get(api, headers=headers).headers["ETag"]
    changed = httpx.patch(
        api,
        json={"severity": "high"},
        headers={**headers, "If-Match": etag, "Content-Type": "application/merge-patch+json"},
    )
    assert changed.status_code == 200
    page.fill("#input-title", "Mijn nieuwe titel")
    page.click("button:has-text('Opslaan')")
    message = page.locator("#form-messages [role=alert]")
    message.wait_for()
    assert "intussen gewijzigd" in message.inner_text()
    assert page.input_value("#input-title") == "Mijn nieuwe titel"
    shoot(page, artifacts, "13-stale-edit")
    # Having seen the warning, saving again goes through.
    page.click("button:has-text('Opslaan')")
    page.wait_for_url(detail)
    assert "Mijn nieuwe titel" in page.inner_text("h1")
    # Only the title was sent: the other person's change of severity stays.
    assert "Hoog" in page.inner_text(".weerbaar-facts")


def test_a_forged_csrf_token_is_refused_and_the_form_stays(server, page, artifacts: Path) -> None:
    login(page, server.url, COORDINATOR)
    page.goto(f"{server.url}/incidents/new")
    page.fill("#input-title", "Getypt voor de aanval")
    page.select_option("#input-platform", "x")
    page.check("#behaviours-threat")
    page.evaluate(
        """() => {
            document.body.setAttribute('hx-headers', JSON.stringify({'X-CSRF-Token': 'forged'}));
            document.querySelectorAll('input[name=csrf_token]').forEach(i => i.value = 'forged');
        }"""
    )
    page.click("text=Melding versturen")
    page.locator("#messages [role=alert]").wait_for()
    assert "niet worden gecontroleerd" in page.inner_text("#messages")
    assert page.input_value("#input-title") == "Getypt voor de aanval"
    assert page.url.endswith("/incidents/new")
    shoot(page, artifacts, "14-forged-csrf")
    listed = httpx.get(
        f"{server.url}/api/v1/incidents", params={"q": "aanval"}, headers=server.tenant["coordinator"].headers
    )
    assert listed.json()["items"] == []


def test_an_expired_session_keeps_the_form_and_offers_a_new_login(server, page, artifacts: Path) -> None:
    login(page, server.url, "employee@utrecht.example")
    page.goto(f"{server.url}/incidents/new")
    page.fill("#input-title", "Bericht na het loket")
    page.select_option("#input-platform", "email")
    page.check("#behaviours-intimidation")
    with server.engine.begin() as conn:
        conn.execute(
            text("UPDATE auth_session SET revoked_at = CURRENT_TIMESTAMP WHERE user_id = :user"),
            {"user": server.tenant["employee"].user_id.hex},
        )
    page.click("text=Melding versturen")
    message = page.locator("#form-messages [role=alert]")
    message.wait_for()
    assert "sessie is verlopen" in message.inner_text()
    assert page.input_value("#input-title") == "Bericht na het loket"
    shoot(page, artifacts, "15-session-expired")
    # Log in again in another tab; the kept form can then be sent.
    other = page.context.new_page()
    login(other, server.url, "employee@utrecht.example")
    other.close()
    page.click("text=Melding versturen")
    page.wait_for_url(re.compile(r".*/incidents/[0-9a-f-]{36}$"))
    assert "Bericht na het loket" in page.inner_text("h1")


def test_an_unreachable_server_is_reported_and_the_form_stays(server, page) -> None:
    login(page, server.url, COORDINATOR)
    page.goto(f"{server.url}/incidents/new")
    page.fill("#input-title", "Verstuurd tijdens storing")
    page.route(
        "**/incidents", lambda route: route.abort() if route.request.method == "POST" else route.continue_()
    )
    page.click("text=Melding versturen")
    page.locator("#messages [role=alert]").wait_for()
    assert "niet bereikbaar" in page.inner_text("#messages")
    assert page.input_value("#input-title") == "Verstuurd tijdens storing"
