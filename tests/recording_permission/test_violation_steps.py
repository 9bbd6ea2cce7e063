"""A citizen who goes on recording: the steps staff took are kept with the breach and written into
the incident in the organisation's language."""

from __future__ import annotations

from tests.recording_permission.bodies import permission_body, violation_body


def test_steps_are_kept_with_the_breach_and_in_the_incident(client, org):
    member = org["case_handler"]
    permission = client.post("/api/v1/recording-permissions", json=permission_body(), headers=member.headers)
    assert permission.status_code == 201, permission.text
    url = f"/api/v1/recording-permissions/{permission.json()['id']}/violations"
    refused = client.post(url, json=violation_body(steps=["walked_out"]), headers=member.headers)
    assert refused.status_code == 400
    created = client.post(
        url,
        json=violation_body(steps=["asked_to_stop", "summoned_to_leave", "asked_to_stop"]),
        headers=member.headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["steps"] == ["asked_to_stop", "summoned_to_leave"]
    incident = client.get(f"/api/v1/incidents/{created.json()['incidentId']}", headers=member.headers).json()
    assert "Genomen stappen: gevraagd te stoppen, gesommeerd het pand te verlaten." in incident["description"]
    listed = client.get(url, headers=member.headers).json()["items"]
    assert listed[0]["steps"] == ["asked_to_stop", "summoned_to_leave"]
