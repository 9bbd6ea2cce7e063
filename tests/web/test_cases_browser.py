"""Whole cases in the browser alone, by the roles the protocols name, from report to the last step.

1. A death threat with doxxing on Facebook: reported from a phone, classified and assigned, the police
   report done with its reference, evidence secured, a platform notice refused and escalated to the
   data protection authority.
2. Recurring insults by a known citizen: the perpetrator linked, the repeat signal, a sanction (benefit
   suspended for three months), a contact restriction (appointment only), the incident conversation and
   aftercare.
3. A secretly recorded video on YouTube: the permission decided, the breach registered, the linked
   incident taken down at the platform.
4. A Danish municipality's case, in Danish, in Copenhagen time.
5. Low-level swearing closed without follow-up.
Each ends in the state the API reports. The UI is driven only through its forms; the API is read to
check, and used to set up only what an earlier step of another case already proved.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.fixtures.factories import add_member, incident_body, make_tenant
from tests.web.helpers import login, png, shoot

pytestmark = pytest.mark.slow

COORDINATOR = "coordinator@utrecht.example"
EMPLOYEE = "employee@utrecht.example"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
# Words that must not show on a Dutch or Danish screen.
ENGLISH = ("must", "required", "allowed from", "not found", "systematic", "Police report", "Due")


def _local(days: float, zone: ZoneInfo = AMSTERDAM) -> str:
    """A datetime-local value in the organisation's zone, some days from now."""
    return (datetime.now(UTC) + timedelta(days=days)).astimezone(zone).strftime("%Y-%m-%dT%H:%M")


class Api:
    """The API as one staff member, for checking what the UI did."""

    def __init__(self, server: Any, headers: dict[str, str]) -> None:
        self.client = httpx.Client(base_url=f"{server.url}/api/v1", headers=headers, timeout=15)

    def get(self, path: str, **params: Any) -> Any:
        response = self.client.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def post(self, path: str, body: dict[str, Any]) -> Any:
        response = self.client.post(path, json=body)
        assert response.status_code in (200, 201), response.text
        return response.json()


@pytest.fixture(scope="module")
def api(server: Any) -> Api:
    return Api(server, server.tenant["coordinator"].headers)


@pytest.fixture(scope="module")
def coordinator(browser: Any, server: Any) -> Iterator[Any]:
    """The aggression coordinator (case handler), logged in once, at desk width."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    login(tab, server.url, COORDINATOR)
    yield tab
    context.close()


def _submit(page: Any, selector: str) -> None:
    """Send a form (htmx) and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator(selector).locator("button[type=submit]").first.click()


def _add_action(page: Any, incident_id: str, kind: str, fields: dict[str, str]) -> None:
    page.goto(f"{page.url.split('/incidents')[0]}/incidents/{incident_id}")
    page.click("#add-action summary")
    page.select_option("#action-input-kind", kind)
    for name, value in fields.items():
        selector = f"#action-input-{name}"
        if page.locator(selector).evaluate("e => e.tagName") == "SELECT":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
    _submit(page, "#add-action")


def _mark_done(page: Any, action_id: str, outcome: str, **fields: str) -> None:
    card = page.locator(f"#action-{action_id}")
    for name, value in fields.items():
        card.locator(f"#done-{action_id}-input-{name}").fill(value)
    card.locator(f"#done-{action_id}-input-outcome").fill(outcome)
    with page.expect_navigation():
        card.locator("[data-testid=done-form] button[type=submit]").click()


def _visible_text_is_not_english(page: Any) -> None:
    text = page.locator("main").inner_text()
    leaks = [word for word in ENGLISH if re.search(rf"\b{re.escape(word)}\b", text)]
    assert leaks == [], leaks


def test_case_1_death_threat_with_doxxing_on_facebook(
    server: Any, browser: Any, coordinator: Any, api: Api, artifacts: Path, tmp_path: Path
) -> None:
    url = "https://www.facebook.com/groups/buurt/posts/8812"
    shot = tmp_path / "bedreiging.png"
    shot.write_bytes(png(shade=120))
    # The employee reports from a phone.
    phone = browser.new_context(locale="nl-NL", viewport={"width": 390, "height": 844}, is_mobile=True)
    tab = phone.new_page()
    login(tab, server.url, EMPLOYEE)
    tab.goto(f"{server.url}/incidents/new")
    tab.fill("#input-title", "Doodsbedreiging met mijn huisadres op Facebook")
    tab.select_option("#input-platform", "facebook")
    tab.check("#behaviours-death_threat")
    tab.check("#behaviours-doxxing")
    tab.fill("#input-urls", url)
    tab.set_input_files("#input-screenshots", str(shot))
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(tab, artifacts, "case1-report-390")
    tab.click("form[action='/incidents'] button[type=submit]")
    tab.wait_for_url(re.compile(r".*/incidents/[0-9a-f-]{36}$"))
    incident_id = tab.url.rsplit("/", 1)[1]
    phone.close()
    incident = api.get(f"/incidents/{incident_id}")
    assert set(incident["classification"]) >= {"criminal", "privacy"} and incident["policeReportRequired"]

    # The coordinator classifies and takes the case.
    page = coordinator
    page.goto(f"{server.url}/incidents/{incident_id}/edit")
    page.select_option("#input-caseHandlerId", label="Coordinator")
    page.select_option("#input-severity", "high")
    page.select_option("#input-status", "in_progress")
    page.click("form.weerbaar-incident-form button[type=submit]")
    page.wait_for_url(f"{server.url}/incidents/{incident_id}")
    incident = api.get(f"/incidents/{incident_id}")
    assert incident["caseHandlerId"] and incident["severity"] == "high"
    assert incident["status"] == "in_progress"

    # The police report that the death threat requires, done with its reference.
    actions = api.get(f"/incidents/{incident_id}/actions")["items"]
    [police] = [a for a in actions if a["kind"] == "police_report"]
    _mark_done(
        page,
        police["id"],
        "Aangifte gedaan door de medewerker, met de leidinggevende.",
        policeReference="PL0900-2026012345",
        reportedAt=_local(-0.1),
    )
    police = api.get(f"/actions/{police['id']}")
    assert police["status"] == "done" and police["policeReference"] == "PL0900-2026012345"

    # The screenshot is evidence; its source URL is added so the platform notice can go out.
    [item] = api.get(f"/incidents/{incident_id}/evidence")["items"]
    page.locator(f"#evidence-{item['id']} summary", has_text="Gegevens bewerken").click()
    page.fill(f"#ev-{item['id']}-input-sourceUrl", url)
    _submit(page, f"form[action$='/evidence/{item['id']}/details']")
    assert api.get(f"/evidence/{item['id']}")["sourceUrl"] == url

    # A DSA notice to the platform, sent, refused, escalated to the data protection authority.
    page.locator("#takedowns summary", has_text="Verwijderverzoek opstellen").click()
    page.select_option("#takedown-input-recipientKind", "platform")
    page.fill("#takedown-input-recipientName", "Meta Platforms Ireland")
    page.fill("#takedown-input-urls", url)
    page.fill("#takedown-input-illegalityExplanation", "Doodsbedreiging (art. 285 Sr) en doxing.")
    page.check("#takedown-input-goodFaith")
    page.check(f"#takedown-evidenceIds-{item['id']}")
    _submit(page, f"form[action='/incidents/{incident_id}/takedowns']")
    [notice] = api.get(f"/incidents/{incident_id}/takedown-requests")["items"]
    with page.expect_navigation():
        page.locator(f"#takedown-{notice['id']} form[action$='/status'] button", has_text="verzonden").click()
    assert api.get(f"/takedown-requests/{notice['id']}")["status"] == "sent"
    page.select_option(f"#td-{notice['id']}-response-input-status", "refused")
    page.fill(f"#td-{notice['id']}-input-response", "Geen schending van de gemeenschapsnormen.")
    with page.expect_navigation():
        page.locator(f"#takedown-{notice['id']} .weerbaar-response-form button[type=submit]").click()
    with page.expect_navigation():
        page.locator(f"#takedown-{notice['id']} button", has_text="Escaleren").click()
    chain = api.get(f"/incidents/{incident_id}/takedown-requests")["items"]
    escalated = next(t for t in chain if t["id"] == notice["id"])
    follow_up = next(t for t in chain if t["id"] != notice["id"])
    assert escalated["status"] == "escalated"
    assert follow_up["recipientKind"] == "data_protection_authority" and follow_up["status"] == "draft"
    _visible_text_is_not_english(page)
    shoot(page, artifacts, "case1-incident-1280")
    assert page.errors == []


def test_case_2_recurring_insults_by_a_known_citizen(server: Any, coordinator: Any, api: Api) -> None:
    page = coordinator
    record = api.post("/perpetrators", {"name": "P. Jansen", "relation": "citizen"})
    earlier = [
        api.post(
            "/incidents",
            incident_body(
                title=f"Belediging aan de balie {n}",
                behaviours=["insult"],
                occurredAt=(datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                perpetratorId=record["id"],
            ),
        )
        for n, days in ((1, 40), (2, 20))
    ]
    assert all(i["perpetratorId"] == record["id"] for i in earlier)
    latest = api.post(
        "/incidents",
        incident_body(
            title="Weer uitgescholden via Facebook",
            behaviours=["insult"],
            occurredAt=(datetime.now(UTC) - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        ),
    )
    # Link the perpetrator through the edit form: the repeat signal appears.
    page.goto(f"{server.url}/incidents/{latest['id']}/edit")
    page.select_option("#input-perpetratorId", record["id"])
    page.select_option("#input-frequency", "prolonged")
    page.click("form.weerbaar-incident-form button[type=submit]")
    page.wait_for_url(f"{server.url}/incidents/{latest['id']}")
    incident = api.get(f"/incidents/{latest['id']}")
    assert incident["perpetratorId"] == record["id"]
    # Linked to the perpetrator and prolonged: both stalking signals.
    assert [s["code"] for s in incident["signals"]] == ["repeat_perpetrator", "prolonged_frequency"]
    assert "Herhaalde dader — mogelijk belaging" in page.locator("main").inner_text()

    # Sanction: the benefit paid at the counter suspended for three months; contact by appointment.
    _add_action(
        page,
        latest["id"],
        "sanction",
        {"suspendedService": "Uitkering aan de balie", "startsAt": _local(1), "endsAt": _local(92)},
    )
    _add_action(
        page,
        latest["id"],
        "contact_restriction",
        {"restrictionForm": "appointment_only", "startsAt": _local(1), "endsAt": _local(183)},
    )
    _add_action(page, latest["id"], "incident_conversation", {"description": "Gesprek met P. Jansen"})
    _add_action(page, latest["id"], "aftercare_conversation", {"description": "Nazorg met de medewerker"})
    actions = {a["kind"]: a for a in api.get(f"/incidents/{latest['id']}/actions")["items"]}
    sanction = actions["sanction"]
    period = datetime.fromisoformat(sanction["endsAt"]) - datetime.fromisoformat(sanction["startsAt"])
    assert sanction["suspendedService"] == "Uitkering aan de balie" and 89 <= period.days <= 92
    assert actions["contact_restriction"]["restrictionForm"] == "appointment_only"
    for kind, outcome in (
        ("incident_conversation", "Gesprek gevoerd; excuses aangeboden."),
        ("aftercare_conversation", "Medewerker voelt zich gesteund."),
    ):
        _mark_done(page, actions[kind]["id"], outcome)
        done = api.get(f"/actions/{actions[kind]['id']}")
        assert done["status"] == "done" and done["outcome"] == outcome
    _visible_text_is_not_english(page)
    assert page.errors == []


def test_case_3_secret_video_on_youtube(server: Any, coordinator: Any, api: Api) -> None:
    page = coordinator
    url = "https://www.youtube.com/watch?v=loket2026"
    # The request to film, decided at the desk.
    page.goto(f"{server.url}/recording-permissions")
    page.fill("#rp-input-requester", "M. Filmer")
    page.fill("#rp-input-conversationAt", _local(-2))
    page.fill("#rp-input-place", "Publieksbalie stadskantoor")
    page.check("#rp-kinds-video")
    page.fill("#rp-input-employee-0-name", "Medewerker Loket")
    page.select_option("#rp-input-employee-0-consent", "given")
    page.select_option("#rp-input-decision", "granted")
    page.check("#rp-input-conditionsAccepted")
    page.click("button:has-text('Registreren')")
    page.wait_for_url(re.compile(r".*/recording-permissions/[0-9a-f-]{36}$"))
    permission_id = page.url.rsplit("/", 1)[1]
    assert api.get(f"/recording-permissions/{permission_id}")["decision"] == "granted"
    # The video shows up on YouTube: the breach, registered as a linked incident.
    page.check("#vi-kinds-publication")
    page.fill("#vi-input-occurredAt", _local(-1))
    page.select_option("#vi-input-platform", "youtube")
    page.fill("#vi-input-urls", url)
    page.fill("#vi-input-description", "Zonder toestemming bewerkt en op YouTube gezet.")
    page.click("button:has-text('Overtreding registreren als incident')")
    page.wait_for_url(re.compile(r".*/incidents/[0-9a-f-]{36}$"))
    incident_id = page.url.rsplit("/", 1)[1]
    [violation] = api.get(f"/recording-permissions/{permission_id}/violations")["items"]
    assert violation["incidentId"] == incident_id
    # Evidence of the video page, then the notice to YouTube.
    screenshot = {"name": "youtube.png", "mimeType": "image/png", "buffer": png(shade=60)}
    page.set_input_files("#evidence-input-file", files=[screenshot])
    page.fill("#evidence-input-sourceUrl", url)
    _submit(page, f"form[action='/incidents/{incident_id}/evidence']")
    page.locator("#takedowns summary", has_text="Verwijderverzoek opstellen").click()
    page.select_option("#takedown-input-recipientKind", "platform")
    page.fill("#takedown-input-recipientName", "Google Ireland (YouTube)")
    page.fill("#takedown-input-urls", url)
    page.fill("#takedown-input-illegalityExplanation", "Publicatie zonder toestemming (portretrecht).")
    page.check("#takedown-input-goodFaith")
    _submit(page, f"form[action='/incidents/{incident_id}/takedowns']")
    [notice] = api.get(f"/incidents/{incident_id}/takedown-requests")["items"]
    with page.expect_navigation():
        page.locator(f"#takedown-{notice['id']} form[action$='/status'] button", has_text="verzonden").click()
    assert api.get(f"/takedown-requests/{notice['id']}")["status"] == "sent"
    assert page.errors == []


def test_case_4_a_danish_municipality_in_danish(server: Any, browser: Any, artifacts: Path) -> None:
    tenant = make_tenant(server.engine, slug="silkeborg", country="DK", roles=("employee",))
    add_member(server.engine, tenant, key="koordinator", roles=["case_handler"])
    context = browser.new_context(locale="da-DK", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    login(page, server.url, "employee@silkeborg.example")
    assert page.evaluate("document.documentElement.lang") == "da"
    page.goto(f"{server.url}/incidents/new")
    page.fill("#input-title", "Trussel mod medarbejder i kommentarfelt")
    page.select_option("#input-platform", "facebook")
    page.check("#behaviours-threat")
    page.fill("#input-occurredAt", _local(-0.5, COPENHAGEN))
    page.click("form[action='/incidents'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/incidents/[0-9a-f-]{36}$"))
    incident_id = page.url.rsplit("/", 1)[1]
    context.close()

    # The coordinator's browser asks for English only: the organisation's language (Danish) is used.
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    login(page, server.url, "koordinator@silkeborg.example")
    assert page.evaluate("document.documentElement.lang") == "da"
    page.goto(f"{server.url}/incidents/{incident_id}/edit")
    page.select_option("#input-caseHandlerId", label="Koordinator")
    page.click("form.weerbaar-incident-form button[type=submit]")
    page.wait_for_url(f"{server.url}/incidents/{incident_id}")
    _add_action(page, incident_id, "aftercare_conversation", {"description": "Samtale med medarbejderen"})
    text = page.locator("main").inner_text()
    danish = Api(server, tenant["koordinator"].headers)
    incident = danish.get(f"/incidents/{incident_id}")
    assert incident["caseHandlerId"]
    [action] = danish.get(f"/incidents/{incident_id}/actions")["items"]
    assert action["kind"] == "aftercare_conversation"
    # Times on the page are Copenhagen time, words are Danish.
    reported = datetime.fromisoformat(incident["reportedAt"].replace("Z", "+00:00")).astimezone(COPENHAGEN)
    assert reported.strftime("%H.%M") in text or reported.strftime("%H:%M") in text
    assert "Opfølgningssamtale" in text or "samtale" in text.lower()
    _visible_text_is_not_english(page)
    shoot(page, artifacts, "case4-danish-1280")
    assert page.errors == []
    context.close()


def test_case_5_low_level_swearing_closed_without_follow_up(server: Any, browser: Any, api: Api) -> None:
    context = browser.new_context(locale="nl-NL", viewport={"width": 360, "height": 740})
    page = context.new_page()
    login(page, server.url, EMPLOYEE)
    page.goto(f"{server.url}/incidents/new")
    page.fill("#input-title", "Gevloek in de chat")
    page.select_option("#input-platform", "whatsapp")
    page.check("#behaviours-swearing")
    page.click("form[action='/incidents'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/incidents/[0-9a-f-]{36}$"))
    incident_id = page.url.rsplit("/", 1)[1]
    context.close()
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, server.url, COORDINATOR)
    page.goto(f"{server.url}/incidents/{incident_id}/edit")
    page.select_option("#input-status", "closed")
    page.fill("#input-closureReason", "Eenmalig gevloek; met de medewerker besproken, geen verdere actie.")
    page.click("form.weerbaar-incident-form button[type=submit]")
    page.wait_for_url(f"{server.url}/incidents/{incident_id}")
    closed = api.get(f"/incidents/{incident_id}")
    assert closed["status"] == "closed" and closed["closureReason"].startswith("Eenmalig")
    assert api.get(f"/incidents/{incident_id}/actions")["items"] == []
    context.close()
