"""How widely a post spread, the re-checks of removed URLs and the preparedness plan in a real browser:
every spread kind and coverage state, every re-check outcome against pages served on 127.0.0.1 and
every re-check status, the plan on the report form, the incident page and the dashboard; nl, da, en."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.fixtures.factories import incident_body
from tests.spread.pages import closed_port_url, serving
from tests.web.helpers import at_both_widths, axe_violations, login, png

pytestmark = pytest.mark.slow

COORDINATOR = "coordinator@utrecht.example"


def api(server) -> httpx.Client:
    return httpx.Client(base_url=f"{server.url}/api/v1", headers=server.tenant["coordinator"].headers)


def submit(page, form) -> None:
    """Send an htmx form and wait for the page it redirects to."""
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def set_takedown(client: httpx.Client, takedown_id: str, status: str) -> dict[str, Any]:
    current = client.get(f"/takedown-requests/{takedown_id}")
    changed = client.patch(
        f"/takedown-requests/{takedown_id}",
        json={"status": status},
        headers={"If-Match": current.headers["ETag"]},
    )
    assert changed.status_code == 200, changed.text
    return dict(changed.json())


def test_spread_rechecks_and_preparedness_plan(server, browser, artifacts: Path) -> None:
    # CSP bypassed only so that axe-core can be injected; the page's own scripts run as served.
    context = browser.new_context(locale="nl-NL", bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    server.settings.url_recheck_allow_private_targets = True
    try:
        with serving() as pages:
            _scenario(server, page, artifacts, pages)
    finally:
        server.settings.url_recheck_allow_private_targets = False
        context.close()


def _scenario(server, page, artifacts: Path, pages) -> None:
    removed_url, resurfaced_url = pages.url("/post"), pages.url("/back")
    with api(server) as client:
        incident = client.post(
            "/incidents", json=incident_body(behaviours=["swearing"], urls=[removed_url])
        ).json()
        evidence = client.post(
            f"/incidents/{incident['id']}/evidence", files={"file": ("shot.png", png(shade=44), "image/png")}
        ).json()
        takedown = client.post(
            f"/incidents/{incident['id']}/takedown-requests",
            json={
                "recipientKind": "sender",
                "recipientName": "J. Jansen",
                "urls": [removed_url],
                "evidenceIds": [evidence["id"]],
            },
        ).json()
    login(page, server.url, COORDINATOR)

    # The preparedness plan: a contact without phone or e-mail is refused next to the field, typed text kept.
    page.goto(f"{server.url}/preparedness")
    form = page.locator("form[action='/preparedness']")
    norm = "Wij tolereren geen agressieve uitlatingen over onze medewerkers via sociale media."
    page.fill("#plan-input-norm", norm)
    page.fill("#plan-input-monitoring", "Team Online, werkdagen 8-18 uur")
    page.fill("#plan-input-response", "De agressiecoördinator reageert namens de gemeente.")
    page.fill("#plan-input-contacts-0-name", "A. de Vries")
    page.fill("#plan-input-contacts-0-role", "Agressiecoördinator")
    page.fill("#plan-input-contacts-0-phone", "+31 30 123 4567")
    page.fill("#plan-input-contacts-1-name", "Vertrouwenspersoon")
    page.fill(
        "#plan-input-removalGuidance", "Eerst bewijs vastleggen, dan de afzender en het platform vragen."
    )
    page.fill("#plan-input-nextReviewOn", "2026-01-15")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#plan-error-contacts p")
    assert "telefoonnummer of een e-mailadres" in page.inner_text("#plan-error-contacts")
    assert page.input_value("#plan-input-contacts-1-name") == "Vertrouwenspersoon"
    page.fill("#plan-input-contacts-1-email", "vertrouwen@utrecht.example")
    submit(page, form)
    assert norm in page.inner_text("[data-testid=plan-norm]")
    assert "Eerst bewijs vastleggen" in page.inner_text("[data-testid=plan-guidance]")
    at_both_widths(page, artifacts, "plan-page")

    # Shown where staff need it: the dashboard (with the overdue evaluation) and the report form.
    page.goto(f"{server.url}/")
    aside = page.locator("[data-testid=plan-aside]")
    aside.wait_for()
    assert norm in aside.inner_text() and "A. de Vries" in aside.inner_text()
    assert page.locator("[data-testid=plan-review-overdue]").is_visible()
    at_both_widths(page, artifacts, "plan-dashboard")
    page.goto(f"{server.url}/incidents/new")
    page.locator("[data-testid=plan-aside]").wait_for()
    assert "U staat er niet alleen voor" in page.inner_text("[data-testid=plan-aside]")
    assert "vertrouwen@utrecht.example" in page.inner_text("[data-testid=plan-aside]")

    # Copies and reposts: a bad address is refused next to the field; one of every kind is recorded.
    detail = f"{server.url}/incidents/{incident['id']}"
    page.goto(detail)
    assert "Eerst bewijs vastleggen" in (
        page.locator("#plan [data-testid=plan-guidance]").text_content() or ""
    )
    add = page.locator("form[action$='/spread']")
    page.locator("#spread summary", has_text="Een kopie of doorplaatsing vastleggen").click()
    page.fill("#spread-input-url", "geen adres")
    page.select_option("#spread-input-kind", "repost")
    add.locator("button[type=submit]").click()
    page.wait_for_selector("#spread-error-url p")
    assert page.input_value("#spread-input-url") == "geen adres"
    copies = {
        "repost": resurfaced_url,
        "copy": "https://forum.example/t/ambtenaar",
        "quote": "https://x.com/reageerder/status/3",
        "screenshot": "https://instagram.example/p/4",
    }
    for number, (kind, url) in enumerate(copies.items()):
        if number:
            page.locator("#spread > details > summary").click()
        page.fill("#spread-input-url", url)
        page.select_option("#spread-input-kind", kind)
        page.fill("#spread-input-platform", "X")
        page.fill("#spread-input-reach", "1.200")
        page.fill("#spread-input-foundAt", "2026-11-30T09:15")
        submit(page, page.locator("form[action$='/spread']"))
    cards = page.locator("[data-testid=spread-item]")
    assert cards.count() == 4
    assert {cards.nth(i).get_attribute("data-coverage") for i in range(4)} == {"not_covered"}
    assert "Kopieën nog zonder verwijderverzoek: 4" in page.inner_text("[data-testid=spread-uncovered]")

    # The reposted copy goes into the draft takedown request: removal requested.
    repost = page.locator("[data-testid=spread-item][data-kind=repost]")
    submit(page, repost.locator("form[action$='/cover']"))
    repost = page.locator("[data-testid=spread-item][data-kind=repost]")
    assert repost.get_attribute("data-coverage") == "requested"
    assert "Verwijdering gevraagd" in repost.inner_text()
    # Correcting a copy: kind and note.
    copy = page.locator("[data-testid=spread-item][data-kind=copy]")
    copy.locator("summary", has_text="Corrigeren").click()
    page.fill(
        f"#{copy.get_attribute('id').replace('spread-', 'sp-')}-input-note", "Gevonden door Team Online"
    )
    submit(page, copy.locator("form.weerbaar-form"))
    assert "Gevonden door Team Online" in page.inner_text("[data-testid=spread-item][data-kind=copy]")

    # Sent and answered "removed": the covered copy is removed and both addresses are re-checked.
    with api(server) as client:
        set_takedown(client, takedown["id"], "sent")
        set_takedown(client, takedown["id"], "removed")
    page.goto(detail)
    assert (
        page.locator("[data-testid=spread-item][data-kind=repost]").get_attribute("data-coverage")
        == "removed"
    )
    assert page.locator("[data-testid=recheck]").count() == 2

    # Two more by hand (the form refuses an interval of 0 first): a redirecting page and a closed port.
    recheck_form = page.locator("form[action$='/rechecks']")
    for url in (pages.url("/moved"), closed_port_url()):
        page.locator("#aftercare > details > summary").click()
        page.fill("#recheck-input-url", url)
        page.fill("#recheck-input-intervalDays", "0")
        recheck_form.locator("button[type=submit]").click()
        page.wait_for_selector("#recheck-error-intervalDays p")
        page.fill("#recheck-input-intervalDays", "3")
        page.fill("#recheck-input-durationDays", "30")
        page.select_option("#recheck-input-takedownRequestId", takedown["id"])
        submit(page, recheck_form)
    expected = {
        removed_url: "still_removed",
        resurfaced_url: "back_online",
        pages.url("/moved"): "inconclusive",
    }
    for number in range(4):
        card = page.locator("[data-testid=recheck]").nth(number)
        submit(page, card.locator("form[action$='/check']"))
        card = page.locator("[data-testid=recheck]").nth(number)
        url = card.locator("strong").first.inner_text()
        assert card.get_attribute("data-outcome") == expected.get(url, "unreachable"), url
    back = page.locator("[data-testid=recheck][data-outcome=back_online]")
    assert "Het bericht staat weer online" in back.inner_text()

    # Stop, resume, change the interval; a re-check whose period is over shows as ended.
    first = page.locator("[data-testid=recheck]").first
    submit(page, first.locator("form", has=page.locator("input[name=status][value=stopped]")))
    first = page.locator("[data-testid=recheck]").first
    assert first.get_attribute("data-status") == "stopped"
    submit(page, first.locator("form", has=page.locator("input[name=status][value=active]")))
    first = page.locator("[data-testid=recheck]").first
    assert first.get_attribute("data-status") == "active"
    first.locator("input[name=intervalDays]").fill("14")
    submit(page, first.locator("form", has=page.locator("input[name=intervalDays]")))
    assert "om de 14 dagen" in page.locator("[data-testid=recheck]").first.inner_text()
    with server.engine.begin() as conn:
        ended = conn.execute(
            text("UPDATE url_recheck SET status = 'ended', next_check_at = NULL WHERE url = :url"),
            {"url": pages.url("/moved")},
        )
        assert ended.rowcount == 1, conn.execute(text("SELECT url, status FROM url_recheck")).all()
    page.goto(detail)
    page.reload()
    assert "Afgelopen" in page.inner_text("[data-testid=recheck][data-status=ended]")
    assert axe_violations(page) == []
    at_both_widths(page, artifacts, "spread-incident")

    # The sender ignores a second request to remove: services are suspended, linked to that request.
    with api(server) as client:
        ignored = client.post(
            f"/incidents/{incident['id']}/takedown-requests",
            json={
                "recipientKind": "sender",
                "recipientName": "J. Jansen",
                "urls": [removed_url],
                "evidenceIds": [evidence["id"]],
            },
        ).json()
        set_takedown(client, ignored["id"], "sent")
        set_takedown(client, ignored["id"], "refused")
    page.goto(detail)
    card = page.locator(f"#takedown-{ignored['id']}")
    card.locator("summary", has_text="dienstverlening opschorten").click()
    sanction_form = card.locator("form[action$='/sanction']")
    sanction_form.locator("button[type=submit]").click()
    page.wait_for_selector(f"#tds-{ignored['id']}-error-suspendedService p")
    page.fill(f"#tds-{ignored['id']}-input-suspendedService", "Balie Burgerzaken, alleen op afspraak")
    page.fill(f"#tds-{ignored['id']}-input-startsAt", "2026-12-10T09:00")
    page.fill(f"#tds-{ignored['id']}-input-endsAt", "2027-01-10T09:00")
    submit(page, sanction_form)
    assert "Balie Burgerzaken" in page.inner_text(
        f"#takedown-{ignored['id']} [data-testid=takedown-sanction]"
    )

    # The notice of the post that came back, and the same page in Danish and English.
    page.goto(f"{server.url}/notifications")
    assert "weer bereikbaar" in page.inner_text("main")
    page.goto(f"{server.url}/language/da?next=/incidents/{incident['id']}")
    body = page.inner_text("main")
    for danish in (
        "Hvor bredt det er spredt",
        "Online igen",
        "Stadig fjernet",
        "Utilgængelig",
        "Beredskabsplan",
    ):
        assert danish in body, danish
    at_both_widths(page, artifacts, "spread-incident-da")
    page.goto(f"{server.url}/language/en?next=/preparedness")
    assert "Technical removal guidance" in page.inner_text("main")
    page.goto(f"{server.url}/language/en?next=/incidents/{incident['id']}")
    body = page.inner_text("main")
    for english in (
        "How widely it spread",
        "Back online",
        "Inconclusive: look yourself",
        "Not yet covered",
    ):
        assert english in body, english
    page.goto(f"{server.url}/language/nl?next=/")
    assert page.errors == []
