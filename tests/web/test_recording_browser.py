"""The recording-permission desk in a real browser: register every decision, decide, breaches, house rules."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.helpers import AXE, at_both_widths, axe_violations, log_in, login, shoot
from web.vocabulary import VIOLATION_STEPS

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
COORDINATOR = "coordinator@utrecht.example"


def contract_enum(name: str) -> list[str]:
    """The values of an enumeration in the committed contract."""
    schemas = json.loads((ROOT / "openapi" / "openapi.json").read_text())["components"]["schemas"]
    return list(schemas[name]["enum"])


def api(server) -> httpx.Client:
    return httpx.Client(base_url=f"{server.url}/api/v1", headers=server.tenant["coordinator"].headers)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def create_permission(server, **changes: Any) -> dict[str, Any]:
    """A request registered through the API (where the UI path is not what is tested)."""
    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "requester": {"name": "P. Jansen"},
        "conversationAt": iso(now - timedelta(hours=2)),
        "place": "Balie 2",
        "kinds": ["audio"],
        "employees": [{"name": "Medewerker Balie"}],
    } | changes
    with api(server) as client:
        response = client.post("/recording-permissions", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def get_permission(server, permission_id: str) -> dict[str, Any]:
    with api(server) as client:
        return dict(client.get(f"/recording-permissions/{permission_id}").raise_for_status().json())


def both_widths(page, artifacts: Path, name: str) -> None:
    """Screenshots at desktop and phone width; nothing may stick out sideways at 390 px."""
    at_both_widths(page, artifacts, f"rp-{name}")


def add_employee(page, prefix: str, index: int, name: str, consent: str) -> None:
    page.fill(f"#{prefix}input-employee-{index}-name", name)
    page.select_option(f"#{prefix}input-employee-{index}-consent", consent)


# How the desk form is filled for each decision; a decision without an entry has no UI path.
def fill_pending(page) -> None:
    page.check("#rp-input-publicSpace")
    page.check("#rp-kinds-audio")
    add_employee(page, "rp-", 0, "Medewerker Straat", "not_asked")


def fill_granted(page) -> None:
    page.check("#rp-kinds-photo")
    page.check("#rp-kinds-video")
    add_employee(page, "rp-", 0, "Medewerker Een", "given")
    add_employee(page, "rp-", 1, "Medewerker Twee", "given")
    add_employee(page, "rp-", 2, "Medewerker Drie", "given")
    page.click("[data-add-employee]")  # a fourth row, added by the script
    add_employee(page, "rp-", 3, "Medewerker Vier", "given")
    page.check("#rp-input-conditionsAccepted")


def fill_refused(page) -> None:
    page.check("#rp-kinds-photo")
    add_employee(page, "rp-", 0, "Medewerker Een", "refused")
    add_employee(page, "rp-", 1, "Medewerker Twee", "given")
    page.select_option("#rp-input-refusalGround", "portrait_right")
    page.fill("#rp-input-reason", "Medewerker Een weigert op grond van het portretrecht.")


def fill_alternative_offered(page) -> None:
    page.check("#rp-kinds-audio")
    add_employee(page, "rp-", 0, "Medewerker Een", "not_asked")
    page.select_option("#rp-input-refusalGround", "weighty_reason")
    page.fill("#rp-input-reason", "Het gesprek gaat over de gezondheid van een derde.")
    page.fill("#rp-input-alternative", "Een schriftelijk verslag van het gesprek.")
    page.check("#rp-input-conditionsAccepted")


FILL: dict[str, Callable[[Any], None]] = {
    "pending": fill_pending,
    "granted": fill_granted,
    "refused": fill_refused,
    "alternative_offered": fill_alternative_offered,
}


def test_every_decision_is_registered_through_the_desk(server, page, artifacts: Path) -> None:
    decisions = contract_enum("Decision")
    assert set(decisions) == set(FILL), "a decision value has no way in through the desk"
    login(page, server.url, COORDINATOR)
    for number, decision in enumerate(decisions):
        page.goto(f"{server.url}/recording-permissions")
        page.fill("#rp-input-requester", f"Verzoeker {number}")
        page.fill("#rp-input-contact", "verzoeker@example.org")
        page.fill("#rp-input-place", "Balie 3, stadskantoor")
        page.fill("#rp-input-context", "Gesprek over een vergunning")
        FILL[decision](page)
        page.select_option("#rp-input-decision", decision)
        if decision == "granted":
            both_widths(page, artifacts, "desk-filled")
        page.click("button:has-text('Registreren')")
        page.wait_for_url(re.compile(r".*/recording-permissions/[0-9a-f-]{36}$"))
        label = page.inner_text("dl.weerbaar-facts")
        assert f"Verzoeker {number}" in page.inner_text("h1")
        state = get_permission(server, page.url.rsplit("/", 1)[1])
        assert state["decision"] == decision
        assert state["requester"]["contact"] == "verzoeker@example.org"
        assert decision not in label  # a label, never the code
        if decision == "granted":
            assert [e["consent"] for e in state["employees"]] == ["given"] * 4
            assert state["kinds"] == ["photo", "video"] and state["conditionsAccepted"]
        if decision == "refused":
            assert [e["consent"] for e in state["employees"]] == ["refused", "given"]
            assert state["refusalGround"] == "portrait_right"
        if decision == "alternative_offered":
            assert state["refusalGround"] == "weighty_reason" and state["alternative"]
        if decision == "pending":
            assert state["publicSpace"] and state["employees"][0]["consent"] == "not_asked"
    page.goto(f"{server.url}/recording-permissions")
    table = page.inner_text("table")
    for number in range(len(decisions)):
        assert f"Verzoeker {number}" in table
    assert "alternative_offered" not in table
    both_widths(page, artifacts, "desk-list")
    assert not page.errors


def test_refusing_sound_without_a_weighty_reason_is_explained_in_dutch(server, page, artifacts: Path) -> None:
    login(page, server.url, COORDINATOR)
    page.goto(f"{server.url}/recording-permissions")
    page.fill("#rp-input-requester", "K. Weigering")
    page.fill("#rp-input-place", "Spreekkamer 1")
    page.check("#rp-kinds-audio")
    add_employee(page, "rp-", 0, "Medewerker Een", "not_asked")
    page.select_option("#rp-input-decision", "refused")
    page.click("button:has-text('Registreren')")
    page.locator("#rp-error-alternative p").wait_for()
    assert "zwaarwegende reden" in page.inner_text("#rp-error-alternative")
    assert page.inner_text("#rp-error-reason").strip()
    assert page.inner_text("#rp-error-refusalGround").strip()
    summary = page.locator("#rp-form-messages")
    assert "Niet opgeslagen" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "rp-form-messages"
    assert page.locator("#rp-form-messages a[href='#rp-error-alternative']").count() == 1
    assert page.input_value("#rp-input-requester") == "K. Weigering"
    assert page.input_value("#rp-input-employee-0-name") == "Medewerker Een"
    assert "required" not in summary.inner_text() and "weighty" not in summary.inner_text()
    both_widths(page, artifacts, "desk-refusal-errors")
    with api(server) as client:
        names = [p["requester"]["name"] for p in client.get("/recording-permissions").json()["items"]]
    assert "K. Weigering" not in names


def test_a_pending_request_is_decided_on_its_page_for_every_decision(server, page, artifacts: Path) -> None:
    decisions = [d for d in contract_enum("Decision") if d != "pending"]
    login(page, server.url, COORDINATOR)
    for decision in decisions:
        created = create_permission(server, requester={"name": "Te beslissen"})
        page.goto(f"{server.url}/recording-permissions/{created['id']}")
        page.select_option("#dc-input-decision", decision)
        if decision in ("refused", "alternative_offered"):
            page.select_option("#dc-input-refusalGround", "weighty_reason")
            page.fill("#dc-input-reason", "Vertrouwelijke informatie over derden.")
            page.fill("#dc-input-alternative", "Een schriftelijk verslag.")
        if decision != "refused":
            page.check("#dc-input-conditionsAccepted")
        if decision == "granted":
            # Someone else changes the request meanwhile: the form keeps its input and says so.
            with api(server) as client:
                etag = client.get(f"/recording-permissions/{created['id']}").headers["ETag"]
                client.patch(
                    f"/recording-permissions/{created['id']}",
                    json={"context": "Aangepast door een collega"},
                    headers={"If-Match": etag, "Content-Type": "application/merge-patch+json"},
                ).raise_for_status()
            page.click("button:has-text('Beslissing opslaan')")
            page.locator("#dc-form-messages [role=alert]").wait_for()
            assert "intussen gewijzigd" in page.inner_text("#dc-form-messages")
            assert page.input_value("#dc-input-decision") == "granted"
            assert page.is_checked("#dc-input-conditionsAccepted")
            both_widths(page, artifacts, "detail-stale")
        page.click("button:has-text('Beslissing opslaan')")
        page.wait_for_function("() => !!document.querySelector('.utrecht-alert--ok, [role=status]')")
        state = get_permission(server, created["id"])
        assert state["decision"] == decision, state
        assert state["decidedAt"]
        if decision == "granted":
            assert state["context"] == "Aangepast door een collega"
            both_widths(page, artifacts, "detail-granted")
            for code in ("nl", "da", "en"):
                response = page.request.get(
                    f"{server.url}/recording-permissions/{created['id']}/receipt?language={code}"
                )
                assert response.body().startswith(b"%PDF"), code
    assert not page.errors


def test_a_secret_video_published_on_youtube_becomes_a_linked_incident(server, page, artifacts: Path) -> None:
    conversation = datetime.now(UTC) - timedelta(days=2)
    created = create_permission(
        server,
        requester={"name": "V. Filmer"},
        conversationAt=iso(conversation),
        kinds=["video"],
        employees=[{"name": "Medewerker Loket", "consent": "given", "consentAt": iso(conversation)}],
        decision="granted",
        conditionsAccepted=True,
    )
    url = "https://www.youtube.com/watch?v=geheim123"
    login(page, server.url, COORDINATOR)
    page.goto(f"{server.url}/recording-permissions/{created['id']}")
    page.check("#vi-kinds-recording_without_permission")
    page.check("#vi-kinds-publication")
    steps = list(VIOLATION_STEPS)  # every step: asked and summoned to stop and to leave; staff left
    for step in steps:
        page.check(f"#vi-steps-{step}")
    page.fill("#vi-input-occurredAt", (datetime.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#vi-input-platform", "youtube")
    page.fill("#vi-input-urls", url)
    page.fill("#vi-input-description", "Heimelijk gefilmd en op YouTube gezet.")
    page.check("#vi-behaviours-insult")
    page.select_option("#vi-input-severity", "high")
    both_widths(page, artifacts, "detail-violation-form")
    page.click("button:has-text('Overtreding registreren als incident')")
    try:
        page.wait_for_url(re.compile(r".*/incidents/[0-9a-f-]{36}$"), timeout=10000)
    except Exception:
        shoot(page, artifacts, "rp-debug-violation")
        raise
    page.wait_for_url(re.compile(r".*/incidents/[0-9a-f-]{36}$"))
    incident_id = page.url.rsplit("/", 1)[1]
    with api(server) as client:
        violations = client.get(f"/recording-permissions/{created['id']}/violations").json()["items"]
        incident = client.get(f"/incidents/{incident_id}").json()
    assert [v["incidentId"] for v in violations] == [incident_id]
    assert violations[0]["urls"] == [url] and set(violations[0]["kinds"]) == {
        "recording_without_permission",
        "publication",
    }
    assert incident["platform"] == "youtube" and url in incident["urls"]
    assert {"unauthorised_recording", "insult"} <= set(incident["behaviours"])
    assert "Toestemming voor opname" in incident["description"]
    assert violations[0]["steps"] == steps
    assert "Genomen stappen: gevraagd te stoppen, gesommeerd te stoppen" in incident["description"]
    page.goto(f"{server.url}/recording-permissions/{created['id']}")
    assert "genomen stappen: gevraagd te stoppen" in page.inner_text("#violations-heading + ul")
    page.click("text=Dansk")
    page.goto(f"{server.url}/recording-permissions/{created['id']}")
    assert "trin taget: bedt om at stoppe, påbudt at stoppe" in page.inner_text("#violations-heading + ul")
    page.click("text=English")
    page.goto(f"{server.url}/recording-permissions/{created['id']}")
    assert "steps taken: asked to stop" in page.inner_text("#violations-heading + ul")
    page.click("text=Nederlands")
    page.goto(f"{server.url}/recording-permissions/{created['id']}")
    page.click(f"text={violations[0]['incidentReference']}")
    page.wait_for_url(f"{server.url}/incidents/{incident_id}")
    assert not page.errors


def test_house_rules_are_edited_in_danish_and_published(server, page, artifacts: Path) -> None:
    login(page, server.url, COORDINATOR)
    page.goto(f"{server.url}/recording-permissions")
    page.click("text=Huisregels over opnamen bewerken")
    page.click("main a[hreflang=da]")
    page.wait_for_url(re.compile(r".*/recording-rules\?language=da$"))
    assert "Regler for lyd- og billedoptagelser" in page.input_value("#hr-input-title")
    page.fill("#hr-input-title", "Husorden om optagelser i Utrecht")
    page.fill("#hr-input-body", "Du må optage samtaler.\n\n## Billeder\n- Kun med samtykke.")
    page.click("button:has-text('Publiceren')")
    page.locator("[role=status], .utrecht-alert--ok").first.wait_for()
    both_widths(page, artifacts, "house-rules-da")
    with api(server) as client:
        rules = client.get("/organisations/utrecht/recording-rules", params={"language": "da"}).json()
    assert rules["title"] == "Husorden om optagelser i Utrecht" and not rules["isDefault"]
    page.goto(f"{server.url}/public/utrecht/recording-rules?language=da")
    assert page.inner_text("h1") == "Husorden om optagelser i Utrecht"
    assert page.inner_text("li") == "Kun med samtykke."
    assert page.locator("html").get_attribute("lang") == "da"
    assert page.get_attribute("nav", "aria-label") == "Sprog"
    for code, heading in (("nl", "Spelregels"), ("en", "Rules")):
        page.goto(f"{server.url}/public/utrecht/recording-rules?language={code}")
        assert page.locator("html").get_attribute("lang") == code
        assert heading in page.inner_text("h1")
    both_widths(page, artifacts, "public-rules-en")


def test_desk_detail_and_house_rules_pages_have_no_axe_violations(server, browser) -> None:
    if not AXE.exists():
        pytest.skip("axe-core is missing")
    created = create_permission(
        server, requester={"name": "A. Toegankelijk"}, decision="granted", conditionsAccepted=True
    )
    context = browser.new_context(locale="nl-NL", bypass_csp=True, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    login(tab, server.url, COORDINATOR)
    found = {}
    for path in ("/recording-permissions", f"/recording-permissions/{created['id']}", "/recording-rules"):
        tab.goto(f"{server.url}{path}")
        found[path] = axe_violations(tab)
    tab.goto(f"{server.url}/recording-permissions")
    tab.click("button:has-text('Registreren')")
    tab.locator("#rp-error-requester p").wait_for()
    found["desk with errors"] = axe_violations(tab)
    context.close()
    assert found == {k: [] for k in found}


def test_without_javascript_a_refused_request_comes_back_filled_in_with_dutch_errors(
    browser_client, tenant
) -> None:
    token = log_in(browser_client)
    response = browser_client.post(
        "/recording-permissions",
        data={
            "csrf_token": token,
            "requester": "Z. Script",
            "place": "Balie 1",
            "conversationAt": "2026-03-02T10:00",
            "kinds": "audio",
            "employee-0-name": "Medewerker Een",
            "employee-0-consent": "not_asked",
            "decision": "refused",
        },
        headers={"Accept-Language": "nl"},
    )
    assert response.status_code == 400
    html = response.text
    assert 'value="Z. Script"' in html and 'value="Medewerker Een"' in html
    errors = re.search(r'id="rp-error-alternative"[^>]*>(.*?)</div>', html, re.S)
    assert errors and "zwaarwegende redenen" in errors.group(1)
    assert 'href="#rp-error-reason"' in html
    assert 'id="rp-input-employee-2-name"' in html  # empty rows to add employees without a script
