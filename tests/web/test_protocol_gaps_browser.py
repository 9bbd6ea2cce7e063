"""The protocols' last gaps in a real browser: the warning that a print screen alone is not enough
with the capture one click away, the monitoring officers' search terms in the preparedness plan, the
norm to publish on the organisation's website, and the GIR and SafetyNet exports for a period; nl,
then en and da."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.fixtures.factories import incident_body
from tests.web.helpers import at_both_widths, axe_violations, login, png

pytestmark = pytest.mark.slow

COORDINATOR = "coordinator@utrecht.example"
POST_URL = "https://social.example/post/4711"
NORM = "Wij tolereren geen agressieve uitlatingen over onze medewerkers via sociale media."


def submit(page, form) -> None:
    """Send an htmx form and wait for the page it redirects to."""
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def section_shots(page, selector: str, artifacts: Path, name: str) -> None:
    """One section at desktop and phone width; nothing sticks out sideways."""
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        page.locator(selector).screenshot(path=str(artifacts / f"{name}-{width}.png"))
    page.set_viewport_size({"width": 1280, "height": 900})


def test_print_screen_warning_search_terms_norm_and_register_exports(
    server, browser, artifacts: Path
) -> None:
    context = browser.new_context(locale="nl-NL", bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    try:
        _scenario(server, page, artifacts)
    finally:
        context.close()
    assert page.errors == []


def _scenario(server, page, artifacts: Path) -> None:
    with httpx.Client(base_url=f"{server.url}/api/v1", headers=server.tenant["coordinator"].headers) as api:
        linked = api.post(
            "/incidents",
            json=incident_body(behaviours=["threat"], urls=[POST_URL], occurredAt="2026-03-03T10:00:00Z"),
        ).json()
        shot_only = api.post("/incidents", json=incident_body(occurredAt="2026-04-01T10:00:00Z")).json()
        address_only = api.post("/incidents", json=incident_body(urls=[POST_URL + "/reply"])).json()
        for incident in (linked, shot_only):
            api.post(
                f"/incidents/{incident['id']}/evidence", files={"file": ("shot.png", png(), "image/png")}
            ).raise_for_status()
    login(page, server.url, COORDINATOR)

    # Row 28: only a screenshot and a web address: the warning, with that address captured in one click.
    page.goto(f"{server.url}/incidents/{linked['id']}")
    warning = page.get_by_test_id("original-data-warning")
    assert "Een printscreen alleen is niet genoeg." in warning.inner_text()
    assert POST_URL in warning.inner_text()
    section_shots(page, "#evidence", artifacts, "original-data-warning")
    assert axe_violations(page) == []
    submit(page, warning.locator("form"))
    assert page.locator("[data-testid=capture]").filter(has_text=POST_URL).count() == 1
    # A capture under way is original data on its way: no warning any more.
    assert page.get_by_test_id("original-data-warning").count() == 0

    # Only a screenshot, no address: the warning points to the capture form; an original file ends it.
    page.goto(f"{server.url}/incidents/{shot_only['id']}")
    warning = page.get_by_test_id("original-data-warning")
    assert warning.locator("a[href='#captures']").count() == 1
    with httpx.Client(base_url=f"{server.url}/api/v1", headers=server.tenant["coordinator"].headers) as api:
        api.post(
            f"/incidents/{shot_only['id']}/evidence",
            files={"file": ("original.png", png(shade=90), "image/png")},
            data={"kind": "original_file"},
        ).raise_for_status()
    page.reload()
    assert page.get_by_test_id("original-data-warning").count() == 0

    # Row 17: the monitoring officers' search terms; a term too long is refused next to its field.
    page.goto(f"{server.url}/preparedness")
    form = page.locator("form[action='/preparedness']")
    page.fill("#plan-input-norm", NORM)
    page.fill("#plan-input-monitoring", "Team Online, werkdagen 8-18 uur")
    typed = "gemeente Utrecht dreigen\n\n" + "x" * 201
    page.fill("#plan-input-searchTerms", typed)
    form.locator("button[type=submit]").click()
    error = page.locator("#plan-error-searchTerms")
    error.wait_for()
    assert error.inner_text().strip()
    assert page.input_value("#plan-input-searchTerms") == typed
    page.fill("#plan-input-searchTerms", "gemeente Utrecht dreigen\n\nwethouder kapotmaken\n")
    submit(page, form)
    terms = page.get_by_test_id("plan-search-terms")
    assert terms.locator("li").all_inner_texts() == ["gemeente Utrecht dreigen", "wethouder kapotmaken"]
    # Row 85: the norm to copy, or to download as text, for the organisation's own website.
    page.get_by_test_id("plan-publish").locator("summary").click()
    assert page.input_value("[data-testid=plan-norm-copy]") == NORM
    with page.expect_download() as norm_file:
        page.get_by_test_id("plan-norm-download").click()
    assert Path(norm_file.value.path()).read_text(encoding="utf-8") == NORM + "\n"
    # ... and it stands on the public house-rules page, which citizens read without logging in.
    public = page.get_by_test_id("plan-norm-public").get_attribute("href")
    assert public and "/public/" in public
    assert NORM in httpx.get(public if public.startswith("http") else f"{server.url}{public}").text
    at_both_widths(page, artifacts, "preparedness-search-terms")
    # Monitoring staff see the terms on the dashboard too.
    page.goto(f"{server.url}/")
    aside = page.get_by_test_id("plan-aside-search-terms")
    aside.wait_for()
    assert "wethouder kapotmaken" in aside.inner_text()

    # Row 18: the register exports, from the navigation. An inverted period is refused, typed kept.
    page.get_by_role("link", name="Registerexports").click()
    page.wait_for_url(f"{server.url}/exports")
    assert page.input_value("#export-input-register") == "gir"
    page.fill("#export-input-occurredFrom", "2026-03-31")
    page.fill("#export-input-occurredTo", "2026-03-01")
    page.select_option("#export-input-format", "json")
    page.locator("[data-testid=export-form] button[type=submit]").click()
    page.locator("#export-error-occurredTo").wait_for()
    assert page.input_value("#export-input-occurredFrom") == "2026-03-31"
    assert page.input_value("#export-input-format") == "json"
    at_both_widths(page, artifacts, "register-exports-refused")
    assert axe_violations(page) == []

    # GIR as CSV for Excel, March: the threat (its last day included), not April's incident.
    page.fill("#export-input-occurredFrom", "2026-03-01")
    page.fill("#export-input-occurredTo", "2026-03-03")
    page.select_option("#export-input-format", "csv")
    with page.expect_download() as gir:
        page.locator("[data-testid=export-form] button[type=submit]").click()
    assert gir.value.suggested_filename == "gir-export.csv"
    text = Path(gir.value.path()).read_text(encoding="utf-8")
    assert text.startswith("\ufeff") and ";" in text.splitlines()[0]
    assert linked["reference"] in text and shot_only["reference"] not in text
    assert "persoonlijke bedreiging" in text

    # SafetyNet as JSON, with no period: every incident.
    page.select_option("#export-input-register", "safetynet")
    page.select_option("#export-input-format", "json")
    page.fill("#export-input-occurredFrom", "")
    page.fill("#export-input-occurredTo", "")
    with page.expect_download() as safetynet:
        page.locator("[data-testid=export-form] button[type=submit]").click()
    assert safetynet.value.suggested_filename == "safetynet-export.json"
    exported = json.loads(Path(safetynet.value.path()).read_text(encoding="utf-8"))
    assert exported["system"] == "SafetyNet"
    assert {item["reference"] for item in exported["items"]} >= {linked["reference"], shot_only["reference"]}

    # English and Danish: the same pages in their language.
    page.goto(f"{server.url}/language/en?next=/exports")
    assert page.locator("h1").inner_text() == "Register exports"
    page.goto(f"{server.url}/language/da?next=/exports")
    assert page.locator("h1").inner_text() == "Registereksport"
    page.goto(f"{server.url}/preparedness")
    assert page.get_by_role("heading", name="Søgeord til overvågning").count() == 1
    page.goto(f"{server.url}/incidents/{address_only['id']}")
    assert "Et skærmbillede alene er ikke nok." in page.get_by_test_id("original-data-warning").inner_text()
    page.goto(f"{server.url}/language/en?next=/incidents/{address_only['id']}")
    assert "A print screen alone is not enough." in page.get_by_test_id("original-data-warning").inner_text()
    section_shots(page, "#evidence", artifacts, "original-data-warning-en")
    page.goto(f"{server.url}/language/nl?next=/")

    # An employee has no exports: no link in the navigation, and the page itself is refused.
    page.context.clear_cookies()
    login(page, server.url, "employee@utrecht.example")
    assert page.get_by_role("link", name="Registerexports").count() == 0
    assert page.goto(f"{server.url}/exports").status == 403
