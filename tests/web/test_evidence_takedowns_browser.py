"""Evidence and takedown requests in a real browser: correcting an item's source URL so a takedown
can be sent, legal hold, the custody log, and the whole takedown lifecycle for every recipient kind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.factories import incident_body
from tests.web.helpers import AXE, at_both_widths, axe_violations, login, png

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
COORDINATOR = "coordinator@utrecht.example"
# The next recipient after a refusal, as the UI offers it (the court is the last step).
ESCALATES_TO = {
    "sender": "platform",
    "platform": "data_protection_authority",
    "search_engine": "data_protection_authority",
    "provider": "court",
    "data_protection_authority": "court",
}
# The answer recorded per kind: every answer that leads on is used at least once.
ANSWER = {
    "sender": "refused",
    "platform": "partially_removed",
    "search_engine": "refused",
    "provider": "refused",
    "data_protection_authority": "refused",
    "court": "removed",
}


def contract_enum(name: str) -> list[str]:
    schemas = json.loads((ROOT / "openapi" / "openapi.json").read_text())["components"]["schemas"]
    return list(schemas[name]["enum"])


def api(server) -> httpx.Client:
    return httpx.Client(base_url=f"{server.url}/api/v1", headers=server.tenant["coordinator"].headers)


def new_incident(server, **changes: Any) -> dict[str, Any]:
    body = incident_body(behaviours=["swearing"], **changes)
    with api(server) as client:
        response = client.post("/incidents", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["policeReportRequired"] is False
    return dict(response.json())


def get(server, path: str) -> dict[str, Any]:
    with api(server) as client:
        return dict(client.get(path).raise_for_status().json())


def both_widths(page, artifacts: Path, name: str) -> None:
    """Screenshots at desktop and phone width; nothing may stick out sideways at 390 px."""
    at_both_widths(page, artifacts, f"et-{name}")


def submit(page, form_selector: str) -> None:
    """Send an htmx form and wait for the page it redirects to."""
    with page.expect_navigation():
        page.locator(form_selector).locator("button[type=submit]").click()


def test_screenshot_source_url_legal_hold_and_custody_log(
    server, page, artifacts: Path, tmp_path: Path
) -> None:
    url = "https://x.com/boze_burger/status/42"
    incident = new_incident(server, urls=[url])
    shot = tmp_path / "schermafbeelding.png"
    shot.write_bytes(png(shade=90))
    login(page, server.url, COORDINATOR)
    page.goto(f"{server.url}/incidents/{incident['id']}")
    # A screenshot without a source URL.
    page.set_input_files("#evidence-input-file", str(shot))
    submit(page, f"form[action='/incidents/{incident['id']}/evidence']")
    items = get(server, f"/incidents/{incident['id']}/evidence")["items"]
    assert len(items) == 1 and items[0]["sourceUrl"] is None
    item = items[0]
    # The same file again is not silently dropped: the page names the stored item.
    page.set_input_files("#evidence-input-file", str(shot))
    submit(page, f"form[action='/incidents/{incident['id']}/evidence']")
    assert "al opgeslagen" in page.locator("main").inner_text()
    assert len(get(server, f"/incidents/{incident['id']}/evidence")["items"]) == 1
    # A takedown to the sender for that URL cannot be sent yet: the refusal is explained.
    with api(server) as client:
        created = client.post(
            f"/incidents/{incident['id']}/takedown-requests",
            json={"recipientKind": "sender", "recipientName": "Boze Burger", "urls": [url]},
        )
    assert created.status_code == 201, created.text
    takedown_id = created.json()["id"]
    page.reload()
    card = page.locator(f"#takedown-{takedown_id}")
    card.locator("form[action$='/status'] button", has_text="verzonden").click()
    summary = page.locator(f"#td-{takedown_id}-form-messages")
    summary.locator("[role=alert]").wait_for()
    assert url in summary.inner_text() and "bewijs" in summary.inner_text().lower()
    assert get(server, f"/takedown-requests/{takedown_id}")["status"] == "draft"
    # Edit the screenshot's source URL in the UI.
    evidence_card = page.locator(f"#evidence-{item['id']}")
    evidence_card.locator("summary", has_text="Gegevens bewerken").click()
    page.fill(f"#ev-{item['id']}-input-sourceUrl", url)
    page.fill(f"#ev-{item['id']}-input-accountHandle", "@boze_burger")
    submit(page, f"form[action$='/evidence/{item['id']}/details']")
    assert get(server, f"/evidence/{item['id']}")["sourceUrl"] == url
    # Now the takedown can be sent.
    with page.expect_navigation():
        page.locator(f"#takedown-{takedown_id} form[action$='/status'] button", has_text="verzonden").click()
    assert get(server, f"/takedown-requests/{takedown_id}")["status"] == "sent"
    # Legal hold: set with a reason, then released.
    evidence_card = page.locator(f"#evidence-{item['id']}")
    evidence_card.locator("summary", has_text="bewaarplicht instellen").click()
    page.fill(f"#hold-{item['id']}-input-reason", "Politie vraagt om bewaring (pv 2026-118).")
    submit(page, f"form[action$='/evidence/{item['id']}/legal-hold']")
    held = get(server, f"/evidence/{item['id']}")
    assert held["legalHold"] is True and held["legalHoldReason"].startswith("Politie")
    both_widths(page, artifacts, "incident-evidence")
    evidence_card = page.locator(f"#evidence-{item['id']}")
    evidence_card.locator("summary", has_text="bewaarplicht opheffen").click()
    page.fill(f"#hold-{item['id']}-input-reason", "Zaak geseponeerd.")
    submit(page, f"form[action$='/evidence/{item['id']}/legal-hold']")
    assert get(server, f"/evidence/{item['id']}")["legalHold"] is False
    # Removal is refused while the incident is open: translated, next to the form.
    page.locator(f"#evidence-{item['id']} summary", has_text="Verwijderen").click()
    page.fill(f"#rm-{item['id']}-input-reason", "Bewaartermijn verstreken.")
    page.locator(f"form[action$='/evidence/{item['id']}/removal'] button").click()
    page.locator(f"#rm-{item['id']}-form-messages [role=alert]").wait_for()
    assert "gesloten" in page.locator(f"#rm-{item['id']}-form-messages").inner_text()
    assert get(server, f"/evidence/{item['id']}")["removedAt"] is None
    # The custody log, labelled.
    page.goto(f"{server.url}/evidence/{item['id']}")
    kinds = page.locator("[data-testid=custody-event]").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert kinds[0] == "uploaded"
    assert {"metadata_changed", "hold_set", "hold_released"} <= set(kinds)
    log = page.locator("[data-testid=custody-log]").inner_text()
    for label in ("Geüpload", "Gegevens gewijzigd", "Politie vraagt om bewaring", "Zaak geseponeerd."):
        assert label in log, label
    for code in ("metadata_changed", "hold_set", "hold_released", "uploaded", "sourceUrl"):
        assert code not in log, code
    both_widths(page, artifacts, "custody-log")
    events = get(server, f"/evidence/{item['id']}/custody-events")["items"]
    assert [e["kind"] for e in events].count("metadata_changed") == 1
    assert page.errors == []


def test_every_recipient_kind_has_a_path_through_the_ui() -> None:
    assert set(contract_enum("RecipientKind")) == set(ANSWER), "a recipient kind has no path through the UI"


# One lifecycle per recipient kind, each on an incident of its own: the kinds are independent, and
# apart they spread over the test workers instead of making one long test.
@pytest.mark.parametrize("kind", list(ANSWER))
def test_every_recipient_kind_through_the_whole_lifecycle(server, page, artifacts: Path, kind: str) -> None:
    urls = ["https://forum.example/t/1", "https://forum.example/t/2"]
    incident = new_incident(server, urls=urls)
    with api(server) as client:
        uploaded = client.post(
            f"/incidents/{incident['id']}/evidence",
            files={"file": ("capture.png", png(shade=33), "image/png")},
        )
    assert uploaded.status_code == 201, uploaded.text
    evidence_id = uploaded.json()["id"]
    login(page, server.url, COORDINATOR)
    base = f"{server.url}/incidents/{incident['id']}"
    page.goto(base)
    page.locator("#takedowns summary", has_text="Verwijderverzoek opstellen").click()
    page.select_option("#takedown-input-recipientKind", kind)
    name = f"Ontvanger {kind}"
    page.fill("#takedown-input-recipientName", name)
    page.fill("#takedown-input-urls", "\n".join(urls))
    if kind == "platform":
        page.fill("#takedown-input-illegalityExplanation", "Bedreiging van een medewerker (art. 285 Sr).")
        page.check("#takedown-input-goodFaith")
    page.check(f"#takedown-evidenceIds-{evidence_id}")
    submit(page, f"form[action='/incidents/{incident['id']}/takedowns']")
    listed = get(server, f"/incidents/{incident['id']}/takedown-requests")["items"]
    mine = [t for t in listed if t["recipientName"] == name]
    assert len(mine) == 1 and mine[0]["status"] == "draft" and mine[0]["evidenceIds"] == [evidence_id]
    takedown = mine[0]
    card = f"#takedown-{takedown['id']}"
    with page.expect_navigation():
        page.locator(f"{card} form[action$='/status'] button", has_text="verzonden").click()
    assert get(server, f"/takedown-requests/{takedown['id']}")["status"] == "sent"
    page.select_option(f"#td-{takedown['id']}-response-input-status", ANSWER[kind])
    page.fill(f"#td-{takedown['id']}-input-response", f"Antwoord van {name}.")
    with page.expect_navigation():
        page.locator(f"{card} .weerbaar-response-form button[type=submit]").click()
    answered = get(server, f"/takedown-requests/{takedown['id']}")
    assert answered["status"] == ANSWER[kind] and answered["response"] == f"Antwoord van {name}."
    if kind in ESCALATES_TO:
        with page.expect_navigation():
            page.locator(f"{card} form[action$='/status'] button", has_text="Escaleren").click()
        escalated = get(server, f"/takedown-requests/{takedown['id']}")
        assert escalated["status"] == "escalated"
        follow_up = get(server, f"/takedown-requests/{escalated['escalatedToId']}")
        assert follow_up["recipientKind"] == ESCALATES_TO[kind]
        assert follow_up["status"] == "draft" and follow_up["evidenceIds"] == [evidence_id]
        chain = page.locator(f"#takedown-{follow_up['id']} .weerbaar-chain").inner_text()
        assert name in chain
        follow = f"#takedown-{follow_up['id']}"
        if kind == "sender":
            # The platform draft the escalation made is completed in its edit form and sent.
            edit = f"tde-{follow_up['id']}-"
            assert page.input_value(f"#{edit}input-recipientName") == ""
            page.fill(f"#{edit}input-recipientName", "Forumbeheerder")
            page.fill(f"#{edit}input-illegalityExplanation", "Belediging van een medewerker.")
            page.fill(f"#{edit}input-notifierName", "Coördinator Agressie")
            page.fill(f"#{edit}input-notifierEmail", "coordinator@utrecht.example")
            page.check(f"#{edit}input-goodFaith")
            submit(page, f"{follow} form[action$='/takedowns/{follow_up['id']}']")
            with page.expect_navigation():
                page.locator(f"{follow} form[action$='/status'] button", has_text="verzonden").click()
            sent = get(server, f"/takedown-requests/{follow_up['id']}")
            assert sent["status"] == "sent" and sent["recipientName"] == "Forumbeheerder"
            assert sent["goodFaith"] is True and sent["evidenceIds"] == [evidence_id]
        else:
            # The follow-up draft is withdrawn: this test drafts each kind itself.
            with page.expect_navigation():
                page.locator(f"{follow} form[action$='/status'] button", has_text="Intrekken").click()
            assert get(server, f"/takedown-requests/{follow_up['id']}")["status"] == "withdrawn"
    else:
        assert page.locator(f"{card} button", has_text="Escaleren").count() == 0
    both_widths(page, artifacts, f"takedowns-{kind}")
    assert page.errors == []


def test_platform_notice_without_dsa_fields_shows_dutch_errors(server, page, artifacts: Path) -> None:
    incident = new_incident(server, urls=["https://facebook.com/posts/7"])
    login(page, server.url, COORDINATOR)
    page.goto(f"{server.url}/incidents/{incident['id']}")
    page.locator("#takedowns summary", has_text="Verwijderverzoek opstellen").click()
    page.select_option("#takedown-input-recipientKind", "platform")
    page.fill("#takedown-input-recipientName", "Meta Platforms Ireland")
    page.fill("#takedown-input-notifierName", "")
    page.fill("#takedown-input-notifierEmail", "")
    page.locator(f"form[action='/incidents/{incident['id']}/takedowns'] button[type=submit]").click()
    summary = page.locator("#takedown-form-messages")
    summary.locator("[role=alert]").wait_for()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'takedown-form-messages'")
    for field in ("illegalityExplanation", "notifierName", "notifierEmail", "goodFaith"):
        text = page.locator(f"#takedown-error-{field}").inner_text().strip()
        assert text and "required" not in text and "DSA" not in text, (field, text)
    assert "Vul dit veld in" in page.locator("#takedown-error-illegalityExplanation").inner_text()
    assert page.input_value("#takedown-input-recipientName") == "Meta Platforms Ireland"
    assert page.input_value("#takedown-input-urls") == "https://facebook.com/posts/7"
    both_widths(page, artifacts, "dsa-errors")
    assert get(server, f"/incidents/{incident['id']}/takedown-requests")["items"] == []


def test_evidence_pages_have_no_axe_violations(server, browser) -> None:
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci)")
    incident = new_incident(server, urls=["https://forum.example/t/9"])
    with api(server) as client:
        item = client.post(
            f"/incidents/{incident['id']}/evidence",
            files={"file": ("capture.png", png(shade=12), "image/png")},
            data={"sourceUrl": "https://forum.example/t/9", "accountHandle": "@anoniem"},
        ).json()
        client.post(
            f"/incidents/{incident['id']}/takedown-requests",
            json={
                "recipientKind": "sender",
                "recipientName": "Anoniem",
                "urls": ["https://forum.example/t/9"],
            },
        ).raise_for_status()
        client.put(f"/evidence/{item['id']}/legal-hold", json={"active": True, "reason": "Lopend onderzoek"})
    context = browser.new_context(locale="nl-NL", bypass_csp=True, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    try:
        login(tab, server.url, COORDINATOR)
        found = {}
        for path in (f"/evidence/{item['id']}", f"/incidents/{incident['id']}"):
            tab.goto(f"{server.url}{path}")
            for summary in tab.locator("#evidence summary, #takedowns summary").all():
                summary.click()
            found[path] = axe_violations(tab)
        assert found == {path: [] for path in found}
    finally:
        context.close()
    assert get(server, f"/evidence/{item['id']}")["legalHold"] is True
