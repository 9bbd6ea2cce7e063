"""Personal data of an employee online: the privacy officers are told, and the case handler asks one
of them from the incident page (a consultation assigned to them), in nl/da/en."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.fixtures.factories import add_member, incident_body
from tests.web.helpers import at_both_widths, axe_violations, login

COORDINATOR = "coordinator@utrecht.example"


def _api(server: Any, method: str, path: str, member: Any, **kwargs: Any) -> Any:
    response = httpx.request(
        method, f"{server.url}/api/v1/{path}", headers=member.headers, timeout=10, **kwargs
    )
    assert response.status_code < 300, response.text
    return response.json()


def test_privacy_officer_is_told_and_asked_from_the_incident_page(server, browser, artifacts: Path) -> None:
    officer = add_member(server.engine, server.tenant, key="privacy_officer", roles=["privacy_officer"])
    coordinator = server.tenant["coordinator"]
    incident = _api(
        server,
        "POST",
        "incidents",
        coordinator,
        json=incident_body(title="Adres gedeeld", behaviours=["doxxing"]),
    )
    assert "privacy" in incident["classification"]
    notices = _api(server, "GET", "notifications", officer)["items"]
    assert [n["kind"] for n in notices if n["incidentId"] == incident["id"]] == ["privacy_concerned"]

    context = browser.new_context(locale="nl-NL", bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, server.url, COORDINATOR)
    page.goto(f"{server.url}/incidents/{incident['id']}")
    assert "privacyfunctionaris" in page.inner_text("#privacy").lower()
    page.fill("#privacy-input-description", "Kan het medium de post met het huisadres verwijderen?")
    page.click("#privacy button[type=submit]")
    page.locator("#privacy-error-assigneeId p").wait_for()
    assert page.inner_text("#privacy-error-assigneeId") == "Vul dit veld in."
    assert page.input_value("#privacy-input-description").startswith("Kan het medium")
    page.select_option("#privacy-input-assigneeId", str(officer.user_id))
    page.fill("#privacy-input-dueAt", "2099-01-02T10:00")
    page.click("#privacy button[type=submit]")
    page.locator("[data-testid=privacy-asked]", has_text="Privacy Officer").wait_for()
    [asked] = [
        a
        for a in _api(server, "GET", f"incidents/{incident['id']}/actions", coordinator)["items"]
        if a["kind"] == "consultation"
    ]
    assert asked["assigneeId"] == str(officer.user_id) and asked["description"].startswith("Kan het medium")
    assert asked["dueAt"].startswith("2099-01-02")
    at_both_widths(page, artifacts, "privacy-nl")
    assert axe_violations(page) == []
    for language, heading in (("Dansk", "Databeskyttelsesrådgiver"), ("English", "Privacy officer")):
        page.click(f"text={language}")
        page.goto(f"{server.url}/incidents/{incident['id']}")
        assert page.inner_text("#privacy-heading") == heading
    page.click("text=Nederlands")
    context.close()

    # The privacy officer reads the notice in the inbox, in Dutch.
    context = browser.new_context(locale="nl-NL", viewport={"width": 390, "height": 844})
    page = context.new_page()
    login(page, server.url, officer.email)
    page.goto(f"{server.url}/notifications")
    assert "persoonsgegevens van een medewerker online" in page.inner_text("main")
    context.close()
