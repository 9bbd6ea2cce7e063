"""The legal pack's country rules in the browser: the corrected labels (a written demand to stop,
correcting false information, "not criminal but to be handled") in Dutch and Danish, the removal
gate as a hard gate (NL) and as a warning (DK) on the incident page, the pack page naming each
rule's source, and the strong-reaction flag from the edit form to the SafetyNet category."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.factories import incident_body, make_tenant
from tests.web.helpers import at_both_widths, login

pytestmark = pytest.mark.slow


def _api(server: Any, member: Any, method: str, path: str, **kwargs: Any) -> Any:
    response = httpx.request(
        method, f"{server.url}/api/v1/{path}", headers=member.headers, timeout=10, **kwargs
    )
    assert response.status_code < 300, response.text
    return response.json()


def _incident_with_steps(server: Any, member: Any, **fields: Any) -> str:
    incident = _api(server, member, "POST", "incidents", json=incident_body(**fields))
    for kind in ("summons", "correction"):
        _api(server, member, "POST", f"incidents/{incident['id']}/actions", json={"kind": kind})
    return str(incident["id"])


def _tab(browser: Any, locale: str) -> Any:
    return browser.new_context(locale=locale, viewport={"width": 1280, "height": 900}).new_page()


def test_country_rules_labels_and_removal_gate(server: Any, browser: Any, artifacts: Path) -> None:
    # Utrecht (NL): a death threat; the Dutch pack requires the police report and removal waits.
    utrecht = server.tenant["coordinator"]
    threat = _incident_with_steps(server, utrecht, title="Doodsbedreiging", behaviours=["death_threat"])
    swearing = _api(server, utrecht, "POST", "incidents", json=incident_body(title="Schelden"))
    page = _tab(browser, "nl-NL")
    login(page, server.url, "coordinator@utrecht.example")
    page.goto(f"{server.url}/incidents/{threat}")
    gate = page.locator("[data-testid=removal-gate]")
    assert gate.get_attribute("data-gate") == "hard"
    assert "Verwijderen wacht op de aangifte." in gate.inner_text()
    rules = page.locator("[data-testid=police-rules]").inner_text()
    assert "Van een doodsbedreiging wordt altijd aangifte gedaan." in rules
    assert "Webdossier Sociale Media" in rules  # the source of the rule
    body = page.locator("main").inner_text()
    assert "Sommatie (schriftelijke eis om te stoppen)" in body
    assert "Rechtzetting van onjuiste informatie (op hetzelfde platform)" in body
    assert "Dagvaarding" not in body and "Aanspreken van de dader" not in body
    at_both_widths(page, artifacts, "country-rules-nl-hard-gate")
    page.goto(f"{server.url}/incidents/{swearing['id']}")
    assert "Niet strafbaar, wel aan te pakken" in page.locator("main").inner_text()
    assert page.locator("[data-testid=removal-gate]").count() == 0
    page.goto(f"{server.url}/legal/packs/nl")
    assert "Handelingsinstructie" in page.locator("[data-testid=removal-gate-rule]").inner_text()
    page.context.close()

    # Aarhus (DK): the case handler marks the police report as required; removal only warns.
    aarhus = make_tenant(server.engine, slug="aarhus", country="DK", roles=("case_handler",))
    handler = aarhus["case_handler"]
    incident = _incident_with_steps(
        server, handler, title="Dødstrussel", behaviours=["death_threat"], policeReportRequired=True
    )
    page = _tab(browser, "da-DK")
    login(page, server.url, "case_handler@aarhus.example")
    page.goto(f"{server.url}/incidents/{incident}")
    gate = page.locator("[data-testid=removal-gate]")
    assert gate.get_attribute("data-gate") == "warning"
    assert "Advarsel: politianmeldelsen er ikke foretaget endnu." in gate.inner_text()
    body = page.locator("main").inner_text()
    assert "Påkrav om at ophøre (skriftligt)" in body
    assert "Berigtigelse af forkerte oplysninger (på samme platform)" in body
    assert "Stævning" not in body and "Irettesættelse" not in body
    at_both_widths(page, artifacts, "country-rules-da-warning")
    # The leader records that the employee reacts strongly: SafetyNet takes it as a work injury.
    page.goto(f"{server.url}/incidents/{incident}/edit")
    page.check("#input-strongReaction")
    page.click("form.weerbaar-incident-form button[type=submit]")
    page.wait_for_url(f"{server.url}/incidents/{incident}")
    assert _api(server, handler, "GET", f"incidents/{incident}")["strongReaction"] is True
    rows = _api(server, handler, "GET", "exports/safetynet")["items"]
    assert [r["category"] for r in rows if r["incidentId"] == incident] == ["arbejdsskade"]
    page.goto(f"{server.url}/legal/packs/dk")
    assert "kun en advarsel" in page.locator("[data-testid=removal-gate-rule]").inner_text()
    assert page.locator("[data-testid=no-political-exception]").count() == 1
    at_both_widths(page, artifacts, "country-rules-da-pack")
    page.context.close()
