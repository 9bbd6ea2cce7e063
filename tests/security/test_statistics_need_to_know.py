"""Statistics count only what the caller may see: no window singles out a hidden incident."""

from __future__ import annotations

from app.auth.actor import Scope
from tests.fixtures.factories import incident_body, make_api_client

HIDDEN_AT = "2026-02-10T08:15:00Z"
WINDOWS = [
    {},
    {"occurredFrom": "2026-01-01T00:00:00Z", "occurredTo": "2027-01-01T00:00:00Z"},
    {"occurredFrom": "2026-02-01T00:00:00Z", "occurredTo": "2026-03-01T00:00:00Z"},
    {"occurredFrom": "2026-02-10T08:00:00Z", "occurredTo": "2026-02-10T09:00:00Z"},
    {"occurredFrom": HIDDEN_AT, "occurredTo": "2026-02-10T08:15:01Z"},
    {"occurredFrom": HIDDEN_AT},
    {"occurredTo": "2026-02-10T08:15:01Z"},
]


def _listed(client, headers, window) -> int:
    """How many incidents the incident list shows the caller in the window (following every page)."""
    count, url, params = 0, "/api/v1/incidents", {**window, "limit": 100}
    while url:
        page = client.get(url, params=params, headers=headers).json()
        count, url, params = count + len(page["items"]), page["next"], None
    return count


def test_statistics_count_only_incidents_the_caller_may_see(client, engine, org):
    employee = org["employee"].headers
    for day in ("2026-01-15", "2026-02-03", "2026-03-20"):
        made = client.post(
            "/api/v1/incidents", json=incident_body(occurredAt=f"{day}T10:00:00Z"), headers=employee
        )
        assert made.status_code == 201
    for level in ("strictly_confidential", "confidential"):
        hidden = client.post(
            "/api/v1/incidents",
            json=incident_body(occurredAt=HIDDEN_AT, confidentiality=level, behaviours=["death_threat"]),
            headers=employee,
        )
        assert hidden.status_code == 201, hidden.text
    statistics_client = make_api_client(engine, org, scopes=[Scope.statistics_read])
    for window in WINDOWS:
        figures = {
            role: client.get("/api/v1/statistics", params=window, headers=org[role].headers).json()
            for role in ("manager", "admin", "case_handler", "privacy_officer")
        }
        for role, got in figures.items():
            assert got["total"] == _listed(client, org[role].headers, window), (role, window)
            assert got["total"] == sum(m["total"] for m in got["monthly"]), (role, window)
        # The manager sees normal incidents only; the admin and other case handlers no strictly
        # confidential one; the privacy officer all of them.
        if not window:
            totals = [figures[r]["total"] for r in ("manager", "admin", "case_handler", "privacy_officer")]
            assert totals == [3, 4, 4, 5]
        narrow = window.get("occurredFrom", "").startswith("2026-02-10")
        if narrow and "occurredTo" in window:
            assert figures["manager"]["total"] == 0
            assert figures["manager"]["byBehaviour"] == []
            assert figures["admin"]["total"] == 1 and figures["privacy_officer"]["total"] == 2
        linked = client.get("/api/v1/statistics", params=window, headers=statistics_client)
        assert linked.status_code == 200, linked.text
        assert linked.json()["total"] == figures["admin"]["total"]  # never a strictly confidential one
