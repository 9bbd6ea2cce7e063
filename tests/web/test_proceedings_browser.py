"""The police decision and a civil claim in a real browser: every value, refusals, nl/da/en, widths, axe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.fixtures.factories import incident_body
from tests.web.helpers import at_both_widths, axe_violations, login
from web.vocabulary import (
    CLAIM_ROUTES,
    CLAIMANTS,
    CURRENCIES,
    DAMAGE_KINDS,
    IMPACTS,
    POLICE_DECISIONS,
    REACHES,
)

COORDINATOR = "coordinator@utrecht.example"


def _api(server: Any, method: str, path: str, **kwargs: Any) -> Any:
    headers = server.tenant["coordinator"].headers
    response = httpx.request(method, f"{server.url}/api/v1/{path}", headers=headers, timeout=10, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()


def _decide(page: Any, reach: str, impact: str, decision: str, reason: str = "") -> None:
    if not page.locator("#pa-input-context").is_visible():
        page.click("#police-assessment summary")
    page.fill("#pa-input-context", f"Reactie op een besluit ({reach})")
    page.select_option("#pa-input-reach", reach)
    page.select_option("#pa-input-impact", impact)
    page.fill("#pa-input-impactNotes", "Medewerker is erg geschrokken")
    page.select_option("#pa-input-decision", decision)
    page.fill("#pa-input-reason", reason)
    page.click("#police-assessment button[type=submit]")


def _claim(page: Any, action_id: str, **values: str) -> None:
    prefix = f"#claim-{action_id}-input-"
    if not page.locator(f"{prefix}amount").is_visible():
        page.click(f"#claim-{action_id} summary")
    for name in ("claimant", "route", "damage", "currency"):
        page.select_option(f"{prefix}{name}", values[name])
    page.fill(f"{prefix}claimantName", values.get("claimantName", ""))
    page.fill(f"{prefix}amount", values["amount"])
    page.click(f"#claim-{action_id} button[type=submit]")


def test_police_decision_and_civil_claim_through_the_incident_page(server, browser, artifacts: Path) -> None:
    incident = _api(server, "POST", "incidents", json=incident_body(title="Filmpje met bedreiging"))
    action = _api(server, "POST", f"incidents/{incident['id']}/actions", json={"kind": "civil_claim"})
    context = browser.new_context(locale="nl-NL", bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    login(page, server.url, COORDINATOR)
    page.goto(f"{server.url}/incidents/{incident['id']}")
    url = f"incidents/{incident['id']}/police-assessment"

    # No reason for keeping the police out: refused next to the field, in Dutch, input kept.
    _decide(page, "public", "severe", "no_report")
    page.locator("#pa-error-reason p").wait_for()
    assert page.inner_text("#pa-error-reason") == "Vul dit veld in."
    assert page.input_value("#pa-input-context") == "Reactie op een besluit (public)"
    assert page.evaluate("() => document.activeElement.id") == "pa-form-messages"

    # Every reach, impact and decision goes through the form.
    steps = [
        ("public", "severe", "no_report", "Geen strafbaar feit volgens de jurist"),
        ("private", "limited", "report", ""),
        ("limited", "considerable", "notify", ""),
        ("wide", "severe", "report", ""),
    ]
    assert {s[0] for s in steps} == set(REACHES) and {s[1] for s in steps} == set(IMPACTS)
    assert {s[2] for s in steps} == set(POLICE_DECISIONS)
    for version, (reach, impact, decision, reason) in enumerate(steps, start=1):
        _decide(page, reach, impact, decision, reason)
        page.locator("[data-testid=police-assessment]", has_text=f"({reach})").wait_for()
        stored = _api(server, "GET", url)
        assert (stored["reach"], stored["impact"], stored["decision"], stored["version"]) == (
            reach,
            impact,
            decision,
            version,
        )
        assert stored["reason"] == (reason or None)
    facts = page.inner_text("[data-testid=police-assessment]")
    assert "Aangifte doen" in facts and "Breed" in facts and "report" not in facts

    # The claim: an amount as typed in Dutch, and a refusal of zero next to the field.
    claim_id = action["id"]
    _claim(
        page,
        claim_id,
        claimant="employee",
        route="criminal_proceedings",
        damage="immaterial",
        currency="EUR",
        amount="0",
        claimantName="A. de Vries",
    )
    page.locator(f"#claim-{claim_id}-error-amount p").wait_for()
    assert page.inner_text(f"#claim-{claim_id}-error-amount") == "Vul een bedrag boven nul in."
    _claim(
        page,
        claim_id,
        claimant="employee",
        route="criminal_proceedings",
        damage="immaterial",
        currency="EUR",
        amount="1.250,50",
        claimantName="A. de Vries",
    )
    page.locator("[data-testid=claim-amount]", has_text="1.250,50").wait_for()
    stored = _api(server, "GET", f"actions/{claim_id}/civil-claim")
    assert (stored["amount"], stored["claimantName"], stored["route"]) == (
        "1250.50",
        "A. de Vries",
        "criminal_proceedings",
    )
    at_both_widths(page, artifacts, "proceedings-nl")
    assert axe_violations(page) == []

    # Danish: the other values of each list, in Danish words.
    page.click("text=Dansk")
    page.goto(f"{server.url}/incidents/{incident['id']}")
    assert page.evaluate("() => document.documentElement.lang") == "da"
    assert "Til politiet?" in page.inner_text("#police-assessment-heading")
    _claim(
        page,
        claim_id,
        claimant="organisation",
        route="civil_procedure",
        damage="material",
        currency="DKK",
        amount="8.000",
    )
    page.locator("[data-testid=claim-amount]", has_text="8.000,00").wait_for()
    claim = page.inner_text(f"#claim-{claim_id}")
    assert "Civilt søgsmål" in claim and "Økonomisk skade" in claim
    at_both_widths(page, artifacts, "proceedings-da")

    # English, and the last damage kind.
    page.click("text=English")
    page.goto(f"{server.url}/incidents/{incident['id']}")
    assert "To the police?" in page.inner_text("#police-assessment-heading")
    _claim(
        page,
        claim_id,
        claimant="organisation",
        route="civil_procedure",
        damage="both",
        currency="EUR",
        amount="1,500.25",
    )
    page.locator("[data-testid=claim-amount]", has_text="1,500.25").wait_for()
    stored = _api(server, "GET", f"actions/{claim_id}/civil-claim")
    assert (stored["damage"], stored["amount"], stored["currency"], stored["version"]) == (
        "both",
        "1500.25",
        "EUR",
        3,
    )
    used = {"claimant": {"employee", "organisation"}, "route": {"criminal_proceedings", "civil_procedure"}}
    assert used["claimant"] == set(CLAIMANTS) and used["route"] == set(CLAIM_ROUTES)
    assert {"immaterial", "material", "both"} == set(DAMAGE_KINDS) and {"EUR", "DKK"} == set(CURRENCIES)
    page.click("text=Nederlands")
    assert not page.errors
    context.close()
