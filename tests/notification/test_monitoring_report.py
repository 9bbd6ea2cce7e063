"""A monitoring officer who finds aggression against an employee informs that employee and their
manager (VNG/A+O instruction): registering it names the employee, and both are told."""

from __future__ import annotations

from tests.fixtures.handling import make_incident, patch


def _kinds(client, member, incident_id: str) -> list[str]:
    items = client.get("/api/v1/notifications", headers=member.headers).json()["items"]
    return [n["kind"] for n in items if n["incidentId"] == incident_id]


def test_the_employee_found_and_their_manager_are_told(client, org):
    employee, manager, officer = org["employee"], org["manager"], org["case_handler"]
    managed = patch(
        client, f"/api/v1/users/{employee.user_id}", {"managerId": str(manager.user_id)}, org["admin"]
    )
    assert managed.status_code == 200, managed.text
    found = make_incident(
        client, officer, affectedEmployees=[{"name": "Employee", "userId": str(employee.user_id)}]
    )
    assert _kinds(client, employee, found["id"]) == ["report_registered_affected"]
    assert _kinds(client, manager, found["id"]) == ["report_registered_manager"]
    assert _kinds(client, officer, found["id"]) == []


def test_an_incident_that_becomes_a_privacy_matter_tells_the_privacy_officer(client, org):
    handler, officer = org["case_handler"], org["privacy_officer"]
    found = make_incident(client, handler, behaviours=["insult"])
    assert "privacy" not in found["classification"]
    assert _kinds(client, officer, found["id"]) == []
    url = f"/api/v1/incidents/{found['id']}"
    changed = patch(client, url, {"behaviours": ["insult", "doxxing"]}, handler)
    assert changed.status_code == 200, changed.text
    assert "privacy" in changed.json()["classification"]
    assert _kinds(client, officer, found["id"]) == ["privacy_concerned"]
    # Changing it again while it stays a privacy matter tells nobody again.
    assert patch(client, url, {"title": "Adres gedeeld en uitgescholden"}, handler).status_code == 200
    assert _kinds(client, officer, found["id"]) == ["privacy_concerned"]
