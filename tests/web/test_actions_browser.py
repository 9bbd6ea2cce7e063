"""Handling steps in a real browser: every kind through its own form, done, waived, reopened, refused."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.factories import incident_body
from tests.web.helpers import axe_violations, login, shoot
from web.vocabulary import ACTION_KINDS, ACTION_WARNINGS, RESPONSE_CHANNELS, RESTRICTION_FORMS

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = json.loads((ROOT / "openapi" / "openapi.json").read_text())["components"]["schemas"]
KINDS = SCHEMAS["ActionKind"]["enum"]
COORDINATOR = "coordinator@utrecht.example"


def _local(days: float) -> str:
    """A datetime-local value (Amsterdam time is what the form assumes) some days from now."""
    moment = datetime.now(UTC) + timedelta(days=days)
    return moment.astimezone().strftime("%Y-%m-%dT%H:%M")


def _fill_plain(page: Any) -> dict[str, Any]:
    page.fill("#action-input-description", "Overleg met medewerker en leidinggevende")
    page.fill("#action-input-dueAt", _local(3))
    page.select_option("#action-input-assigneeId", label="Coordinator")
    return {"description": "Overleg met medewerker en leidinggevende"}


def _fill_police(page: Any) -> dict[str, Any]:
    page.fill("#action-input-policeReference", "PL0900-2026000001")
    page.fill("#action-input-reportedAt", _local(-1))
    return {"policeReference": "PL0900-2026000001"}


def _fill_response(page: Any) -> dict[str, Any]:
    page.select_option("#action-input-channel", "same_platform")
    return {"channel": "same_platform", "warningCodes": ["same_channel"]}


def _fill_sanction(page: Any) -> dict[str, Any]:
    page.fill("#action-input-suspendedService", "Bezoek aan de publieksbalie")
    page.fill("#action-input-startsAt", _local(1))
    page.fill("#action-input-endsAt", _local(60))
    return {"suspendedService": "Bezoek aan de publieksbalie"}


def _fill_restriction(page: Any) -> dict[str, Any]:
    page.select_option("#action-input-restrictionForm", "limited_hours")
    page.fill("#action-input-restrictionDetails", "Alleen dinsdag 9-12 uur")
    page.fill("#action-input-startsAt", _local(1))
    page.fill("#action-input-endsAt", _local(90))
    return {"restrictionForm": "limited_hours", "restrictionDetails": "Alleen dinsdag 9-12 uur"}


def _fill_offender(page: Any) -> dict[str, Any]:
    page.select_option("#action-input-contactChannel", "letter")
    page.check("#action-input-policeWarning")
    return {"channel": "letter", "policeWarning": True}


def _fill_aftercare(page: Any) -> dict[str, Any]:
    page.select_option("#action-input-aftercareStep", "aftercare_support")
    return {"aftercareStep": "aftercare_support"}


def _fill_consultation(page: Any) -> dict[str, Any]:
    _fill_plain(page)
    page.select_option("#action-input-consulted", "privacy_officer")
    return {"consulted": "privacy_officer"}


def _fill_analysis(page: Any) -> dict[str, Any]:
    page.fill("#action-input-preventionDecision", "Voornamen op naambordjes")
    return {"preventionDecision": "Voornamen op naambordjes"}


# How each kind is added through the form; a kind the API gains without an entry here fails.
UI_PATHS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "consultation": _fill_consultation,
    "response_sent": _fill_response,
    "incident_conversation": _fill_plain,
    "correction": _fill_plain,
    "police_report": _fill_police,
    "summons": _fill_plain,
    "summary_proceedings": _fill_plain,
    "civil_claim": _fill_plain,
    "sanction": _fill_sanction,
    "contact_restriction": _fill_restriction,
    "aftercare_conversation": _fill_plain,
    "debriefing": _fill_plain,
    "work_injury_report": _fill_plain,
    "offender_contact": _fill_offender,
    "aftercare_offer": _fill_aftercare,
    "work_environment_analysis": _fill_analysis,
}
# The kind-specific fieldsets the script shows for a kind.
FIELDSETS = {
    "police_report": {"police_report"},
    "response_sent": {"response_sent"},
    "sanction": {"sanction", "sanction contact_restriction"},
    "contact_restriction": {"contact_restriction", "sanction contact_restriction"},
    "offender_contact": {"offender_contact"},
    "aftercare_offer": {"aftercare_offer"},
    "consultation": {"consultation"},
    "work_environment_analysis": {"work_environment_analysis"},
}


def test_the_action_vocabularies_match_the_contract() -> None:
    assert set(KINDS) == set(ACTION_KINDS)
    assert set(SCHEMAS["ResponseChannel"]["enum"]) == set(RESPONSE_CHANNELS)
    assert set(SCHEMAS["RestrictionForm"]["enum"]) == set(RESTRICTION_FORMS)
    assert set(SCHEMAS["WarningCode"]["enum"]) == set(ACTION_WARNINGS)


def _api(server: Any, method: str, path: str, **kwargs: Any) -> Any:
    headers = server.tenant["coordinator"].headers
    response = httpx.request(method, f"{server.url}/api/v1/{path}", headers=headers, timeout=10, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()


def _actions(server: Any, incident_id: str) -> list[dict[str, Any]]:
    return list(_api(server, "GET", f"incidents/{incident_id}/actions")["items"])


@pytest.fixture(scope="module")
def incident(server: Any) -> dict[str, Any]:
    """An incident on Facebook, registered through the API."""
    return dict(_api(server, "POST", "incidents", json=incident_body(title="Bedreiging op Facebook")))


@pytest.fixture(scope="module")
def coordinator(browser: Any, server: Any) -> Iterator[Any]:
    """One logged-in Dutch page for the module's tests (logging in costs a second each time)."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    login(tab, server.url, COORDINATOR)
    yield tab
    context.close()


def _open_form(page: Any, server: Any, incident_id: str) -> None:
    page.goto(f"{server.url}/incidents/{incident_id}")
    page.click("#add-action summary")


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_added_through_its_form(server, coordinator, incident, kind: str) -> None:
    assert kind in UI_PATHS, f"the action kind {kind} has no way in through the UI"
    page = coordinator
    before = {a["id"] for a in _actions(server, incident["id"])}
    _open_form(page, server, incident["id"])
    page.select_option("#action-input-kind", kind)
    shown = {fs.get_attribute("data-kinds") for fs in page.locator("[data-kinds]").all() if fs.is_visible()}
    assert shown == FIELDSETS.get(kind, set())
    expected = UI_PATHS[kind](page)
    page.click("#add-action button[type=submit]")
    page.locator(f"[data-testid=action][data-kind={kind}]").last.wait_for()
    [added] = [a for a in _actions(server, incident["id"]) if a["id"] not in before]
    assert added["kind"] == kind and added["status"] == "open"
    for key, value in expected.items():
        assert added[key] == value, key
    card = page.locator(f"#action-{added['id']}")
    assert page.evaluate("() => document.documentElement.lang") == "nl"
    assert kind not in card.inner_text()  # a label, never the code
    if kind == "response_sent":
        assert "Reactie" in card.inner_text()
        assert "voorkeur" in card.locator("[data-testid=action-warning]").inner_text()
    if kind in ("sanction", "contact_restriction"):
        assert added["startsAt"] and added["endsAt"]
    assert not page.errors


def test_police_report_of_a_death_threat_is_done_waived_and_reopened(
    server, coordinator, artifacts: Path
) -> None:
    page = coordinator
    threat = _api(
        server, "POST", "incidents", json=incident_body(title="Doodsbedreiging", behaviours=["death_threat"])
    )
    [police] = [a for a in _actions(server, threat["id"]) if a["kind"] == "police_report"]
    page.goto(f"{server.url}/incidents/{threat['id']}")
    card = page.locator(f"#action-{police['id']}")
    prefix = f"#done-{police['id']}-input-"
    card.locator(f"{prefix}policeReference").fill("PL0900-2026004242")
    card.locator(f"{prefix}reportedAt").fill(_local(-0.5))
    card.locator(f"{prefix}outcome").fill("Aangifte opgenomen door wijkagent")
    card.locator("[data-testid=done-form] button").click()
    page.locator(f"#action-{police['id']}[data-status=done]").wait_for()
    done = _api(server, "GET", f"actions/{police['id']}")
    assert done["status"] == "done"
    assert done["policeReference"] == "PL0900-2026004242"
    assert done["reportedAt"] is not None
    assert "PL0900-2026004242" in page.locator(f"#action-{police['id']}").inner_text()

    # Reopen, then waive with a reason.
    page.locator(f"#action-{police['id']} [data-testid=reopen-form] button").click()
    page.locator(f"#action-{police['id']}[data-status=open]").wait_for()
    assert _api(server, "GET", f"actions/{police['id']}")["status"] == "open"
    card = page.locator(f"#action-{police['id']}")
    card.locator("summary").click()
    card.locator("[data-testid=waive-form] button").click()
    error = page.locator(f"#waive-{police['id']}-error-waiverReason")
    error.locator("p").wait_for()
    assert "Vul dit veld in" in error.inner_text()
    card.locator(f"#waive-{police['id']}-input-waiverReason").fill("Medewerker ziet af van aangifte")
    card.locator("[data-testid=waive-form] button").click()
    page.locator(f"#action-{police['id']}[data-status=waived]").wait_for()
    waived = _api(server, "GET", f"actions/{police['id']}")
    assert waived["status"] == "waived"
    assert waived["waiverReason"] == "Medewerker ziet af van aangifte"
    assert waived["waivedBy"] == str(server.tenant["coordinator"].user_id)
    text = page.locator(f"#action-{police['id']}").inner_text()
    assert "Medewerker ziet af van aangifte" in text and "Coordinator" in text

    section = page.locator("#actions")
    section.screenshot(path=str(artifacts / "actions-1280.png"))
    page.set_viewport_size({"width": 390, "height": 900})
    page.click("#add-action summary")
    page.select_option("#action-input-kind", "contact_restriction")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, width
    section.screenshot(path=str(artifacts / "actions-390.png"))
    page.set_viewport_size({"width": 1280, "height": 900})

    page.locator(f"#action-{police['id']} [data-testid=reopen-form] button").click()
    page.locator(f"#action-{police['id']}[data-status=open]").wait_for()
    assert _api(server, "GET", f"actions/{police['id']}")["status"] == "open"
    assert not page.errors


def test_sanction_without_its_fields_is_refused_in_dutch_and_keeps_the_input(
    server, coordinator, incident, artifacts: Path
) -> None:
    page = coordinator
    before = len(_actions(server, incident["id"]))
    _open_form(page, server, incident["id"])
    page.select_option("#action-input-kind", "sanction")
    page.fill("#action-input-description", "Na tweede incident aan de balie")
    page.click("#add-action button[type=submit]")
    summary = page.locator("#action-form-messages [role=alert]")
    summary.wait_for()
    for name in ("suspendedService", "startsAt", "endsAt"):
        assert page.inner_text(f"#action-error-{name}") == "Vul dit veld in."
    assert page.evaluate("() => document.activeElement.id") == "action-form-messages"
    assert "Vul dit veld in." in summary.inner_text()
    assert page.input_value("#action-input-description") == "Na tweede incident aan de balie"
    shoot(page, artifacts, "actions-sanction-refused")
    assert len(_actions(server, incident["id"])) == before


def test_without_javascript_every_kind_field_is_shown_and_a_refusal_keeps_the_input(
    server, browser, incident
) -> None:
    context = browser.new_context(locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    login(page, server.url, COORDINATOR)
    page.goto(f"{server.url}/incidents/{incident['id']}")
    page.click("#add-action summary")
    assert page.locator("[data-kinds]").count() == 9
    assert page.locator(".weerbaar-kind-only").first.is_visible()
    page.select_option("#action-input-kind", "contact_restriction")
    page.fill("#action-input-restrictionDetails", "Alleen per brief")
    page.fill("#action-input-policeReference", "hoort bij een andere soort")
    page.click("#add-action button[type=submit]")
    assert page.inner_text("#action-error-restrictionForm") == "Vul dit veld in."
    assert page.input_value("#action-input-restrictionDetails") == "Alleen per brief"
    assert page.locator("#add-action").get_attribute("open") is not None
    context.close()


def test_danish_sanction_form(server, browser, incident) -> None:
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, server.url, COORDINATOR)
    page.click("text=Dansk")
    _open_form(page, server, incident["id"])
    assert page.evaluate("() => document.documentElement.lang") == "da"
    page.select_option("#action-input-kind", "sanction")
    page.click("#add-action button[type=submit]")
    page.locator("#action-error-suspendedService p").wait_for()
    assert page.inner_text("#action-error-suspendedService") == "Udfyld dette felt."
    label = page.inner_text("label[for=action-input-suspendedService]")
    assert re.search(r"ydelse", label), label
    page.fill("#action-input-suspendedService", "Personlig betjening i borgerservice")
    page.fill("#action-input-startsAt", _local(1))
    page.fill("#action-input-endsAt", _local(30))
    page.click("#add-action button[type=submit]")
    page.locator("[data-testid=action][data-kind=sanction]", has_text="borgerservice").wait_for()
    assert any(
        a["suspendedService"] == "Personlig betjening i borgerservice"
        for a in _actions(server, incident["id"])
    )
    page.click("text=Nederlands")
    context.close()


def test_incident_page_with_the_action_form_open_passes_axe(
    server, browser, incident, artifacts: Path
) -> None:
    # axe-core is injected as an inline script, which the page's CSP forbids: bypass it here only.
    context = browser.new_context(locale="nl-NL", bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, server.url, COORDINATOR)
    _open_form(page, server, incident["id"])
    page.select_option("#action-input-kind", "contact_restriction")
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 900})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.locator("#actions").screenshot(path=str(artifacts / "actions-open-390.png"))
    context.close()
    assert _api(server, "GET", f"incidents/{incident['id']}")["id"] == incident["id"]
