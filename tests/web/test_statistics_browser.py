"""The dashboard's behaviour chart counts incidents: each incident once, under its gravest behaviour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from tests.fixtures.factories import incident_body
from tests.web.helpers import at_both_widths, login

COORDINATOR = "coordinator@utrecht.example"


def test_the_behaviour_chart_adds_up_to_the_incidents_of_the_month(
    server: Any, browser: Any, artifacts: Path
) -> None:
    headers = server.tenant["coordinator"].headers
    now = datetime.now(UTC) - timedelta(minutes=5)
    for behaviours in (["insult", "death_threat", "swearing"], ["doxxing", "swearing"]):
        body = incident_body(behaviours=behaviours, occurredAt=now.isoformat())
        created = httpx.post(f"{server.url}/api/v1/incidents", json=body, headers=headers, timeout=10)
        assert created.status_code == 201, created.text
    month = now.strftime("%Y-%m")
    stats = httpx.get(f"{server.url}/api/v1/statistics", headers=headers, timeout=10).json()
    [figures] = [m for m in stats["monthly"] if m["month"] == month]
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, server.url, COORDINATOR)
    chart = page.locator("#chart-behaviour-title").locator("xpath=..")
    assert "elk incident één keer" in page.inner_text("#chart-behaviour-title")
    assert "elk incident één keer: naar gedraging onder de ernstigste" in page.inner_text("main")
    chart.locator("summary").click()
    rows = chart.locator("tbody tr").all()
    this_month = sum(int(row.locator("td").last.inner_text().replace(".", "")) for row in rows)
    assert this_month == figures["total"] == sum(c["count"] for c in figures["byMainBehaviour"])
    assert sum(c["count"] for c in figures["byBehaviour"]) > figures["total"]  # mentions would overcount
    at_both_widths(page, artifacts, "dashboard-main-behaviour")
    context.close()
