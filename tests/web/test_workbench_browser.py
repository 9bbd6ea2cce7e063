"""The coordinator's workbench and the incident's case-file header, in the browser.

An unassigned death threat shows in the queues (unassigned, police report due) and leaves
"unassigned" once it has a case handler; a late takedown answer shows; the header names the next
step of the protocol; both pages at 1280 and 390 px; axe-core on the dashboard.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import SQLModel

from tests.fixtures.postgres import unavailable
from tests.web.helpers import AXE, axe_violations, login, shoot

pytestmark = pytest.mark.slow


def _api(server, path: str, method: str = "GET", **kwargs):
    member = server.tenant["coordinator"]
    headers = {**member.headers, **kwargs.pop("headers", {})}
    response = httpx.request(method, f"{server.url}/api/v1/{path}", headers=headers, timeout=10, **kwargs)
    assert response.status_code < 300, response.text
    return response


def _set(server, table: str, row_id: str, **values) -> None:
    target = SQLModel.metadata.tables[table]
    with server.engine.begin() as conn:
        conn.execute(update(target).where(target.c.id == uuid.UUID(row_id)).values(**values))


def _incident(server, **fields):
    body = {
        "title": "Doodsbedreiging onder raadsbericht",
        "occurredAt": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
        "platform": "facebook",
        "behaviours": ["death_threat"],
        **fields,
    }
    return _api(server, "incidents", "POST", json=body).json()


def _no_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"


def test_queues_and_next_step(server, page, artifacts: Path) -> None:
    threat = _incident(server)
    other = _incident(server, title="Late antwoord van platform", behaviours=["insult"])
    coordinator = str(server.tenant["coordinator"].user_id)
    # The second incident has a handler, and a takedown request whose answer is two days late.
    current = _api(server, f"incidents/{other['id']}")
    _api(
        server,
        f"incidents/{other['id']}",
        "PATCH",
        json={"caseHandlerId": coordinator},
        headers={"If-Match": current.headers["ETag"]},
    )
    takedown = _api(
        server,
        f"incidents/{other['id']}/takedown-requests",
        "POST",
        json={"recipientKind": "sender", "recipientName": "J. Jansen", "urls": ["https://x.com/j/1"]},
    ).json()
    now = datetime.now(UTC)
    _set(
        server,
        "takedown_request",
        takedown["id"],
        status="sent",
        sent_at=now - timedelta(days=9),
        due_at=now - timedelta(days=2),
    )

    login(page, server.url, "coordinator@utrecht.example")
    unassigned, police = page.locator("#queue-unassigned-card"), page.locator("#queue-police-card")
    assert threat["reference"] in unassigned.inner_text()
    assert threat["reference"] in police.inner_text()
    assert "Doodsbedreiging" in police.inner_text()  # the death threat is flagged
    assert other["reference"] not in unassigned.inner_text()
    late = page.locator("#queue-takedowns-card")
    assert other["reference"] in late.inner_text() and "J. Jansen" in late.inner_text()
    assert "antwoord was verwacht" in late.inner_text().lower()
    shoot(page, artifacts, "workbench-dashboard-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _no_overflow(page)
    shoot(page, artifacts, "workbench-dashboard-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The case file: no handler yet, so the next step is to assign one.
    unassigned.get_by_role("link", name=threat["reference"]).click()
    page.wait_for_url(f"{server.url}/incidents/{threat['id']}")
    assert "Wijs een casebehandelaar toe" in page.locator("#next-step").inner_text()
    current = _api(server, f"incidents/{threat['id']}")
    _api(
        server,
        f"incidents/{threat['id']}",
        "PATCH",
        json={"caseHandlerId": coordinator},
        headers={"If-Match": current.headers["ETag"]},
    )
    page.reload()
    step = page.locator("#next-step")
    assert "Doe aangifte bij de politie" in step.inner_text()
    assert "weerbaar-next-step--overdue" not in (step.get_attribute("class") or "")
    # Past its deadline: highlighted as overdue.
    action = _api(server, "actions?kind=police_report&open=true").json()["items"]
    police_action = next(a for a in action if a["incidentId"] == threat["id"])
    _set(server, "action", police_action["id"], due_at=now - timedelta(hours=3))
    page.reload()
    assert "weerbaar-next-step--overdue" in (step.get_attribute("class") or "")
    assert "te laat sinds" in step.inner_text()
    nav = page.get_by_role("navigation", name="Onderdelen van dit incident")
    for label in ("Feiten", "Classificatie", "Bewijs", "Acties", "Verwijderverzoeken", "Tijdlijn"):
        assert nav.get_by_role("link", name=label).count() == 1, label
    shoot(page, artifacts, "workbench-incident-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _no_overflow(page)
    shoot(page, artifacts, "workbench-incident-390")
    nav.get_by_role("link", name="Acties").click()
    page.wait_for_url(f"{server.url}/incidents/{threat['id']}#actions")
    assert page.locator("#actions-heading").is_visible()

    # Assigned: gone from "unassigned", still in the police queue (death threat first).
    page.goto(f"{server.url}/")
    assert threat["reference"] not in page.locator("#queue-unassigned-card").inner_text()
    assert threat["reference"] in page.locator("#queue-police-card").inner_text()
    page.goto(f"{server.url}/queues/police")
    assert threat["reference"] in page.locator("main").inner_text()
    assert page.errors == []
    # What the API reports.
    loose = _api(server, "incidents?unassigned=true&status=reported").json()["items"]
    assert threat["id"] not in [i["id"] for i in loose]
    late_answers = _api(server, "takedown-requests?answerOverdue=true").json()["items"]
    assert [t["id"] for t in late_answers] == [takedown["id"]]


def test_dashboard_has_no_accessibility_violations(server, browser) -> None:
    if not AXE.exists():
        unavailable(f"{AXE} is missing: run `npm ci`")
    context = browser.new_context(locale="nl-NL", bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        _incident(server, title="Nog een doodsbedreiging")
        login(page, server.url, "coordinator@utrecht.example")
        assert axe_violations(page) == []
        page.goto(f"{server.url}/queues/unassigned")
        assert axe_violations(page) == []
    finally:
        context.close()
    assert _api(server, "incidents?unassigned=true").json()["items"]
