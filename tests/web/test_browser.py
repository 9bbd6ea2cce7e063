"""The whole flow in a real browser: log in, report, find, add evidence, takedown, dossier, languages."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import pytest

from tests.web.helpers import login, png, shoot

pytestmark = pytest.mark.slow


def test_login_with_wrong_password_says_so_and_keeps_the_email(server, page, artifacts: Path) -> None:
    page.goto(f"{server.url}/")
    assert page.url.startswith(f"{server.url}/login")
    page.fill("#input-email", "coordinator@utrecht.example")
    page.fill("#input-password", "wrong password")
    page.click("form[action='/login'] button[type=submit]")
    alert = page.locator("#login-form-messages [role=alert]")
    alert.wait_for()
    assert "niet juist" in alert.inner_text() or "not correct" in alert.inner_text()
    assert page.input_value("#input-email") == "coordinator@utrecht.example"
    shoot(page, artifacts, "01-login-wrong-password")


def test_the_whole_flow(server, page, artifacts: Path, tmp_path: Path) -> None:
    login(page, server.url, "coordinator@utrecht.example")
    shoot(page, artifacts, "02-dashboard-empty")

    # Report an incident with a screenshot (the fast path).
    screenshot = tmp_path / "bericht.png"
    screenshot.write_bytes(png())
    page.click("nav >> text=Incident melden")
    page.fill("#input-title", "Dreigbericht na raadsvergadering")
    page.select_option("#input-platform", "facebook")
    page.check("#behaviours-threat")
    page.fill("#input-urls", "https://facebook.com/post/1")
    page.set_input_files("#input-screenshots", str(screenshot))
    assert "bericht.png" in page.inner_text("[data-file-list]")
    shoot(page, artifacts, "03-report-form-filled")
    page.click("text=Melding versturen")
    page.wait_for_url(re.compile(r".*/incidents/[0-9a-f-]{36}$"))
    reference = page.inner_text(".weerbaar-casefile__reference strong")
    assert re.match(r"[A-Z]+-\d{4}-\d{4}", reference)
    expected = hashlib.sha256(screenshot.read_bytes()).hexdigest()
    assert expected in page.inner_text("#evidence")
    shoot(page, artifacts, "04-incident-detail")
    detail_url = page.url

    # Find it in the list with the live search.
    page.click("nav >> text=Incidenten")
    page.fill("#filter-q", "raadsvergadering")
    page.wait_for_url(re.compile(r".*q=raadsvergadering.*"))
    assert reference in page.inner_text("#results")
    page.fill("#filter-q", "geen-treffer-xyz")
    page.locator("#results", has_text="Geen incidenten").wait_for()
    shoot(page, artifacts, "05-incident-list-filtered")

    # Upload more evidence and see its hash; verify it.
    page.goto(detail_url)
    capture = tmp_path / "tweede.png"
    capture.write_bytes(png(shade=90))
    page.set_input_files("#evidence-input-file", str(capture))
    page.fill("#evidence-input-sourceUrl", "https://facebook.com/post/1")
    page.click("#evidence button:has-text('Uploaden')")
    page.wait_for_load_state("networkidle")
    second = hashlib.sha256(capture.read_bytes()).hexdigest()
    page.locator("#evidence", has_text=second).wait_for()
    page.locator("#evidence button:has-text('Controleren')").first.click()
    page.locator("#evidence", has_text="ongewijzigd").wait_for()

    # A takedown for a URL without evidence cannot be sent; the reason is shown.
    page.click("text=Verwijderverzoek opstellen")
    page.select_option("#takedown-input-recipientKind", "sender")
    page.fill("#takedown-input-recipientName", "De afzender")
    page.fill("#takedown-input-urls", "https://example.org/zonder-bewijs")
    page.click("#takedowns button:has-text('Concept opslaan')")
    page.locator("[data-testid=takedown]").first.wait_for()
    page.locator("[data-testid=takedown] button:has-text('Markeren als verzonden')").first.click()
    refusal = page.locator("[data-testid=takedown] [role=alert]").first
    refusal.wait_for()
    assert "Voor https://example.org/zonder-bewijs is nog geen bewijs veiliggesteld" in refusal.inner_text()
    shoot(page, artifacts, "06-takedown-refused")

    # Export the dossier.
    with page.expect_download() as info:
        page.click("text=Dossier exporteren")
    archive = tmp_path / "dossier.zip"
    info.value.save_as(archive)
    with zipfile.ZipFile(archive) as dossier:
        names = dossier.namelist()
    assert any(name.endswith("SHA256SUMS") for name in names)

    # Dashboard with data, then switch language.
    page.click("nav >> text=Overzicht")
    assert page.locator("svg[role=img]").count() == 2
    shoot(page, artifacts, "07-dashboard")
    page.click("text=English")
    assert page.inner_text("h1") == "Dashboard"
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("text=Dansk")
    assert page.locator("html").get_attribute("lang") == "da"
    assert "Indberet en hændelse" in page.inner_text("nav.weerbaar-nav")
    shoot(page, artifacts, "08-dashboard-danish")
    assert not page.errors


def test_recording_permission_desk_registers_and_hands_a_receipt(
    server, page, artifacts: Path, tmp_path: Path
) -> None:
    login(page, server.url, "coordinator@utrecht.example")
    page.click("nav >> text=Toestemming opnames")
    page.click("button:has-text('Registreren')")
    page.locator("#rp-error-requester p").wait_for()
    page.fill("#rp-input-requester", "J. de Vries")
    page.fill("#rp-input-place", "Balie 3, stadskantoor")
    page.check("#rp-kinds-audio")
    page.fill("#rp-input-employee-0-name", "Medewerker Balie")
    page.select_option("#rp-input-decision", "granted")
    page.check("#rp-input-conditionsAccepted")
    page.click("button:has-text('Registreren')")
    page.wait_for_url(re.compile(r".*/recording-permissions/[0-9a-f-]{36}$"))
    assert "J. de Vries" in page.inner_text("h1")
    shoot(page, artifacts, "09-recording-permission")
    with page.expect_download() as info:
        page.click("text=Ontvangstbewijs — Nederlands (PDF)")
    receipt = tmp_path / "receipt.pdf"
    info.value.save_as(receipt)
    assert receipt.read_bytes().startswith(b"%PDF")


def test_files_can_be_dropped_on_the_report_form(server, page) -> None:
    login(page, server.url, "coordinator@utrecht.example")
    page.goto(f"{server.url}/incidents/new")
    page.evaluate(
        """() => {
            const zone = document.querySelector('[data-dropzone]');
            const data = new DataTransfer();
            const bytes = new Uint8Array([137, 80, 78, 71]);
            data.items.add(new File([bytes], 'gesleept.png', {type: 'image/png'}));
            const init = {dataTransfer: data, bubbles: true, cancelable: true};
            zone.dispatchEvent(new DragEvent('dragover', init));
            zone.dispatchEvent(new DragEvent('drop', init));
        }"""
    )
    assert "gesleept.png" in page.inner_text("[data-file-list]")
    assert page.evaluate("() => document.querySelector('#input-screenshots').files.length") == 1
    assert page.locator("#report-progress progress").count() == 1
    assert not page.errors
