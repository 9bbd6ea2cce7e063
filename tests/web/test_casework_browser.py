"""Report form and incident page in a real browser: the guidance not to respond, every frequency,
temporary and hired staff, the political-office flag, witnesses, journal notes, every outcome of the
complaint step and the route for an unknown sender (provider disclosure, police and specialist
tracing), in Dutch with the Danish and English labels checked in the same session."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.fixtures.postgres import unavailable
from tests.web.helpers import AXE, at_both_widths, axe_violations, login

pytestmark = pytest.mark.slow

COORDINATOR = "coordinator@utrecht.example"


def _api(server: Any, method: str, path: str, **kwargs: Any) -> Any:
    headers = server.tenant["coordinator"].headers
    response = httpx.request(method, f"{server.url}/api/v1/{path}", headers=headers, timeout=10, **kwargs)
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def _local(hours: float) -> str:
    moment = datetime.now(ZoneInfo("Europe/Amsterdam")) + timedelta(hours=hours)
    return moment.strftime("%Y-%m-%dT%H:%M")


@pytest.fixture(scope="module")
def coordinator(browser: Any, server: Any) -> Iterator[Any]:
    if not AXE.exists():
        unavailable(f"{AXE} is missing: run `npm ci`")
    context = browser.new_context(locale="nl-NL", bypass_csp=True, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    login(tab, server.url, COORDINATOR)
    yield tab
    context.close()


def _submit(page: Any, form: str) -> None:
    page.click(f"[data-testid={form}] button[type=submit]")


def _refused(page: Any, slot: str) -> str:
    page.locator(f"#{slot} p").wait_for()
    return str(page.inner_text(f"#{slot}"))


def test_a_case_with_witnesses_journal_complaint_and_unknown_sender(
    server: Any, browser: Any, coordinator: Any, artifacts: Path
) -> None:
    page = coordinator
    page.goto(f"{server.url}/incidents/new")
    assert "Reageer niet zelf" in page.inner_text("[data-testid=guidance]")
    page.fill("#input-title", "Klacht over uitkering met scheldpartij op Facebook")
    page.check("#behaviours-insult")
    page.select_option("#input-platform", "facebook")
    page.fill("#input-urls", "https://facebook.example/post/1")
    page.click(".weerbaar-more__summary")
    page.select_option("#input-frequency", "prolonged")
    page.fill("#input-affectedTemporary", "Eva Tijdelijk")
    page.fill("#input-affectedHired", "Ali Inhuur")
    page.select_option("#input-perpetratorKnown", "no")
    at_both_widths(page, artifacts, "casework-report-form")
    page.locator("[data-testid=guidance]").screenshot(
        path=str(artifacts / "casework-report-guidance-1280.png")
    )
    page.locator("#input-affectedHired").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "casework-report-staff-1280.png"))
    page.click("form.weerbaar-incident-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/incidents/[0-9a-f-]{36}$"))
    incident_id = page.url.rsplit("/", 1)[1]
    incident = _api(server, "GET", f"incidents/{incident_id}")
    assert incident["frequency"] == "prolonged"
    assert [(e["name"], e.get("employment")) for e in incident["affectedEmployees"]] == [
        ("Eva Tijdelijk", "temporary"),
        ("Ali Inhuur", "hired"),
    ]
    assert "Agressie gedurende langere tijd — mogelijk stalking" in page.inner_text("main")

    # Every other frequency and the political-office flag through the edit form.
    for frequency in ("once", "several_times"):
        page.goto(f"{server.url}/incidents/{incident_id}/edit")
        assert page.input_value("#input-affectedHired") == "Ali Inhuur"
        page.select_option("#input-frequency", frequency)
        if frequency == "several_times":
            page.check("#input-politicalOfficeHolder")
        page.click("form.weerbaar-incident-form button[type=submit]")
        page.wait_for_url(f"{server.url}/incidents/{incident_id}")
        assert _api(server, "GET", f"incidents/{incident_id}")["frequency"] == frequency
    changed = _api(server, "GET", f"incidents/{incident_id}")
    assert changed["politicalOfficeHolder"] and changed["protocolNotApplicable"]
    assert changed["signals"] == []
    assert "Nog geen overleg vastgelegd" in page.inner_text("[data-testid=consultation-status]")

    # A witness: a wrong phone number is refused next to the field, the name is kept.
    page.click("#witnesses summary")
    page.fill("#witness-input-name", "Sanne de Vries")
    page.fill("#witness-input-phone", "bel me")
    _submit(page, "witness-form")
    assert "telefoonnummer" in _refused(page, "witness-error-phone")
    assert page.input_value("#witness-input-name") == "Sanne de Vries"
    page.fill("#witness-input-phone", "06 12345678")
    page.fill("#witness-input-statement", "Zag het bericht op de pagina van de gemeente")
    _submit(page, "witness-form")
    page.locator("[data-testid=witness]", has_text="06 12345678").wait_for()

    # Journal: a note, then a correction of it.
    page.fill("#journal-input-happenedAt", _local(-3))
    page.fill("#journal-input-what", "Bericht met scheldwoorden onder de post")
    page.fill("#journal-input-where", "Facebookpagina van de gemeente")
    page.fill("#journal-input-who", "Onbekend account, Sanne zag het")
    _submit(page, "journal-form")
    page.locator("[data-testid=journal-entry]").wait_for()
    [first] = _api(server, "GET", f"incidents/{incident_id}/journal-entries")["items"]
    page.click("#journal summary")
    page.fill("#journal-input-happenedAt", _local(-3))
    page.fill("#journal-input-what", "Bericht met scheldwoorden en een bedreiging")
    page.select_option("#journal-input-correctsId", first["id"])
    _submit(page, "journal-form")
    page.locator("[data-testid=journal-entry]", has_text="Correctie").wait_for()

    # The complaint step: an outcome needs a resolution; then every outcome, and reopened.
    page.click("#complaints > details > summary")
    page.fill("#complaint-input-subject", "Uitkering drie weken te laat betaald")
    _submit(page, "complaint-form")
    card = page.locator("[data-testid=complaint]")
    card.wait_for()
    [complaint] = _api(server, "GET", f"incidents/{incident_id}/complaints")["items"]
    prefix = f"#complaint-{complaint['id']}-input-"
    page.select_option(f"{prefix}outcome", "resolved")
    _submit(page, "complaint-decision")
    assert "Vul dit veld in" in _refused(page, f"complaint-{complaint['id']}-error-resolution")
    for outcome in ("resolved", "not_resolved", "referred", "unfounded", ""):
        if not page.is_visible(f"{prefix}conversationAt"):
            page.click(f"#complaint-{complaint['id']} summary")
        page.fill(f"{prefix}conversationAt", _local(-1))
        page.check(f"{prefix}aggressionAddressed")
        page.fill(f"{prefix}agreements", "Voortaan alleen per e-mail")
        page.select_option(f"{prefix}outcome", outcome)
        page.fill(f"{prefix}resolution", "Nabetaling met rente")
        _submit(page, "complaint-decision")
        page.locator(f"[data-testid=complaint][data-outcome={outcome or 'open'}]").wait_for()
        saved = _api(server, "GET", f"incidents/{incident_id}/complaints/{complaint['id']}")
        assert saved["outcome"] == (outcome or None) and saved["aggressionAddressed"]

    # The unknown sender: the provider is asked to disclose, the police only after the report.
    page.fill("#disclosure-input-recipientName", "Meta Platforms Ireland Ltd.")
    _submit(page, "disclosure-form")
    page.locator("[data-testid=disclosure]", has_text="Meta Platforms").wait_for()
    takedowns = _api(server, "GET", f"incidents/{incident_id}/takedown-requests")["items"]
    assert [t["recipientKind"] for t in takedowns] == ["provider"]
    page.select_option("#tracing-input-channel", "police")
    _submit(page, "tracing-form")
    assert "na aangifte" in _refused(page, "tracing-error-channel")
    page.select_option("#tracing-input-channel", "specialist")
    page.fill("#tracing-input-reference", "CyberSec BV")
    _submit(page, "tracing-form")
    page.locator("[data-testid=tracing][data-channel=specialist]").wait_for()
    [request] = _api(server, "GET", f"incidents/{incident_id}/tracing-requests")["items"]
    outcome_prefix = f"#tracing-{request['id']}-input-"
    page.select_option(f"{outcome_prefix}outcome", "identified")
    page.click(f"#tracing-{request['id']} button[type=submit]")
    assert "Vul dit veld in" in _refused(page, f"tracing-{request['id']}-error-identifiedAs")
    page.fill(f"{outcome_prefix}identifiedAs", "J. Pietersen")
    page.click(f"#tracing-{request['id']} button[type=submit]")
    page.locator("[data-testid=tracing][data-outcome=identified]").wait_for()
    for outcome in ("not_identified", "pending"):
        page.select_option(f"{outcome_prefix}outcome", outcome)
        page.click(f"#tracing-{request['id']} button[type=submit]")
        page.locator(f"[data-testid=tracing][data-outcome={outcome}]").wait_for()
    police = _api(server, "POST", f"incidents/{incident_id}/actions", json={"kind": "police_report"})
    from tests.fixtures.handling import set_column

    set_column(server.engine, "action", police["id"], status="done")
    page.reload()
    page.select_option("#tracing-input-channel", "police")
    page.fill("#tracing-input-reference", "PL0900-2026-77")
    _submit(page, "tracing-form")
    page.locator("[data-testid=tracing][data-channel=police]").wait_for()
    assert axe_violations(page) == []
    for width in (1280, 390):  # the sections themselves, to look at; nothing wider than a phone
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        for section in ("guidance", "witnesses", "journal", "complaints", "sender"):
            page.locator(f"#{section}").screenshot(path=str(artifacts / f"casework-{section}-{width}.png"))
    page.set_viewport_size({"width": 1280, "height": 900})

    # The same page in Danish and in English.
    labels = {
        "Dansk": ("Vidner", "Ukendt afsender", "Klage i krænkelsen", "Reagér ikke selv"),
        "English": ("Witnesses", "Unknown sender", "Complaint in the aggression"),
    }
    for language, words in labels.items():
        page.click(f"text={language}")
        page.goto(f"{server.url}/incidents/{incident_id}")
        text = page.inner_text("main")
        for word in words:
            assert word in text, (language, word)
    page.click("text=Nederlands")

    # An employee concerned sees the witness's name but not the phone number, and no handling steps.
    employee = next(u for u in _api(server, "GET", "users") if u["email"] == "employee@utrecht.example")
    current = httpx.get(
        f"{server.url}/api/v1/incidents/{incident_id}", headers=server.tenant["coordinator"].headers
    )
    people = [*current.json()["affectedEmployees"], {"name": employee["name"], "userId": employee["id"]}]
    headers = {**server.tenant["coordinator"].headers, "If-Match": current.headers["ETag"]}
    response = httpx.patch(
        f"{server.url}/api/v1/incidents/{incident_id}",
        json={"affectedEmployees": people},
        headers=headers,
        timeout=10,
    )
    assert response.status_code == 200, response.text
    context = browser.new_context(locale="nl-NL", viewport={"width": 390, "height": 844})
    tab = context.new_page()
    login(tab, server.url, "employee@utrecht.example")
    tab.goto(f"{server.url}/incidents/{incident_id}")
    witness = tab.inner_text("[data-testid=witness]")
    assert "Sanne de Vries" in witness and "Afgeschermd" in witness and "06 12345678" not in witness
    assert tab.locator("#complaints, #sender").count() == 0
    assert "Inhuurkracht" in tab.inner_text("main")
    tab.locator("#witnesses").screenshot(path=str(artifacts / "casework-employee-witnesses-390.png"))
    context.close()
