"""A Danish organisation's case in the browser, as the Silkeborg guideline has it: an employee reports,
the leader helps two employees file one collective police report, talks to the offender, sets a
time-limited contact ban, offers HR's crisis line; the leader's checklist ticks along; the SafetyNet
export has the work-injury category only when the guideline's criterion holds. In Danish, with a look
in English; screenshots at 1280 and 390 px."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.fixtures.factories import add_member, make_tenant
from tests.web.helpers import at_both_widths, login


def _local(days: float) -> str:
    """A datetime-local value some days from now (the form reads it in the organisation's zone)."""
    return (datetime.now(UTC) + timedelta(days=days)).astimezone().strftime("%Y-%m-%dT%H:%M")


@pytest.fixture(scope="module")
def silkeborg(server: Any) -> Any:
    """A Danish municipality in the live server: two employees, their leader and a case handler."""
    tenant = make_tenant(server.engine, slug="silkeborg", country="DK", roles=("employee", "manager"))
    add_member(server.engine, tenant, key="colleague", roles=["employee"])
    add_member(server.engine, tenant, key="handler", roles=["case_handler"])
    return tenant


def _tab(browser: Any, locale: str = "da-DK") -> Any:
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    return tab


def _add(page: Any, kind: str) -> None:
    page.locator("#add-action summary").click()
    page.select_option("#action-input-kind", kind)


def _submit_add(page: Any, kind: str) -> None:
    """Send the add form and wait for the new card of the kind."""
    before = page.locator(f"[data-testid=action][data-kind={kind}]").count()
    page.click("#add-action button[type=submit]")
    page.locator(f"[data-testid=action][data-kind={kind}]").nth(before).wait_for()


def _done(page: Any, kind: str) -> None:
    """Mark the last card of the kind done and wait for it."""
    card_id = _card(page, kind).get_attribute("id")
    _card(page, kind).locator("[data-testid=done-form] button[type=submit]").click()
    page.locator(f"#{card_id}[data-status=done]").wait_for()


def _card(page: Any, kind: str) -> Any:
    return page.locator(f"[data-testid=action][data-kind={kind}]").last


def _safetynet(server: Any, tenant: Any, reference: str) -> dict[str, str]:
    response = httpx.get(
        f"{server.url}/api/v1/exports/safetynet.csv", headers=tenant["handler"].headers, timeout=10
    )
    assert response.status_code == 200, response.text
    text = response.text.lstrip("\ufeff")
    rows = list(
        csv.DictReader(io.StringIO(text), delimiter=csv.Sniffer().sniff(text.splitlines()[0]).delimiter)
    )
    found = [row for row in rows if row["reference"] == reference]
    assert found, response.text[:1000]
    return found[0]


def test_a_danish_case_follows_the_guideline(
    browser: Any, server: Any, silkeborg: Any, artifacts: Any
) -> None:
    # The employee reports, naming a colleague who was hit too.
    employee = _tab(browser)
    login(employee, server.url, "employee@silkeborg.example")
    employee.goto(f"{server.url}/incidents/new")
    employee.fill("#input-title", "Trusler i kommentarer på Facebook")
    employee.select_option("#input-platform", "facebook")
    employee.check("#behaviours-threat")
    employee.locator("details.weerbaar-more summary").click()
    employee.fill("#input-affectedOthers", "Employee\nColleague")
    employee.click(".weerbaar-incident-form button[type=submit]")
    employee.wait_for_url(re.compile(r".*/incidents/[0-9a-f-]{36}$"))
    detail = employee.url
    assert employee.locator("#guideline [data-testid=guideline-contacts]").inner_text().count("89701299") == 1
    employee.context.close()

    leader = _tab(browser)
    login(leader, server.url, "manager@silkeborg.example")
    leader.goto(detail)
    assert leader.locator("html").get_attribute("lang") == "da"
    assert leader.locator("#guideline [data-code=police_report]").get_attribute("data-done") == "false"

    # The police report: both employees file one collective report, the leader helped.
    _add(leader, "police_report")
    leader.fill("#action-input-policeReference", "3700-80000-00042-26")
    leader.fill("#action-input-reportedAt", _local(-0.1))
    leader.check("#action-filedBy-1")
    leader.check("#action-filedBy-2")
    leader.select_option("#action-input-helpedBy", label="Manager")
    _submit_add(leader, "police_report")
    report = _card(leader, "police_report")
    assert report.locator("[data-testid=filed-by]").inner_text().startswith("Employee, Colleague")
    assert "samlet anmeldelse" in report.inner_text()
    _done(leader, "police_report")

    # The leader talks to the offender and records it; an employee cannot be the one who talks.
    _add(leader, "offender_contact")
    leader.select_option("#action-input-contactChannel", "phone")
    leader.check("#action-input-policeWarning")
    leader.select_option("#action-input-assigneeId", label="Employee")
    leader.click("#add-action button[type=submit]")
    leader.locator("#action-error-assigneeId p").wait_for()
    assert leader.locator("#action-input-policeWarning").is_checked()  # what was typed is kept
    leader.select_option("#action-input-assigneeId", label="Manager")
    _submit_add(leader, "offender_contact")
    talk = _card(leader, "offender_contact")
    assert "politianmeldelse" in talk.inner_text()
    _done(leader, "offender_contact")

    # A time-limited contact ban: its end shown, a reminder before it ends.
    _add(leader, "contact_restriction")
    leader.select_option("#action-input-restrictionForm", "no_phone_contact")
    leader.fill("#action-input-restrictionDetails", "Kun skriftlig kontakt via funktionspostkassen")
    leader.fill("#action-input-startsAt", _local(0.1))
    leader.fill("#action-input-endsAt", _local(90))
    _submit_add(leader, "contact_restriction")
    ban = _card(leader, "contact_restriction")
    assert ban.locator("[data-testid=ends-at]").inner_text().strip()
    assert "påmindelse" in ban.inner_text()

    # HR's crisis line offered, from the pack, with its number.
    _add(leader, "aftercare_offer")
    leader.select_option("#action-input-aftercareStep", "hr_crisis_line")
    _submit_add(leader, "aftercare_offer")
    offer = _card(leader, "aftercare_offer")
    assert "89701299" in offer.locator("[data-testid=aftercare-step]").inner_text()
    _done(leader, "aftercare_offer")

    checklist = leader.locator("#guideline")
    for code in ("police_report", "talk_to_offender", "crisis_line"):
        assert checklist.locator(f"[data-code={code}]").get_attribute("data-done") == "true", code
    assert checklist.locator("[data-code=contact_frame]").get_attribute("data-done") == "false"
    assert "Hvor nemt er det at genkende og finde en medarbejder" in checklist.inner_text()
    assert not leader.errors
    leader.locator("#actions").scroll_into_view_if_needed()
    at_both_widths(leader, artifacts, "dk-guideline-da")

    # A look in English.
    leader.goto(f"{server.url}/language/en?next={detail.removeprefix(server.url)}")
    assert "The leader's checklist" in leader.inner_text("#guideline")
    assert "one collective report" in _card(leader, "police_report").inner_text()
    at_both_widths(leader, artifacts, "dk-guideline-en")

    # SafetyNet: minor violence while the guideline's criterion (serious, or a strong reaction) does
    # not hold; a work injury once the employee reacts strongly.
    incident_id = detail.rsplit("/", 1)[1]
    handler = silkeborg["handler"].headers
    current = httpx.get(f"{server.url}/api/v1/incidents/{incident_id}", headers=handler, timeout=10)
    reference = current.json()["reference"]
    assert (
        _safetynet(server, silkeborg, reference)["category"]
        == "mindre vold, trusler og anden krænkende adfærd"
    )
    changed = httpx.patch(
        f"{server.url}/api/v1/incidents/{incident_id}",
        json={"strongReaction": True},
        headers={**handler, "If-Match": current.headers["ETag"]},
        timeout=10,
    )
    assert changed.status_code == 200, changed.text
    assert _safetynet(server, silkeborg, reference)["category"] == "arbejdsskade"
