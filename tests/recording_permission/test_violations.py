"""Breaches of a permission's conditions become incidents in normal handling."""

from __future__ import annotations

from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.auth.actor import Scope
from app.incident.models import Incident
from app.recording_permission.models import RecordingViolation
from tests.fixtures.factories import make_api_client
from tests.recording_permission.bodies import count, names, permission_body, violation_body

URL = "/api/v1/recording-permissions"


def _granted(client, org, **overrides):
    body = permission_body(employees=[{"name": "Emma", "userId": str(org["employee"].user_id)}], **overrides)
    response = client.post(URL, json=body, headers=org["manager"].headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_violation_creates_linked_incident_with_behaviours_urls_and_employees(client, org, engine):
    permission = _granted(client, org)
    response = client.post(
        f"{URL}/{permission['id']}/violations", json=violation_body(), headers=org["manager"].headers
    )
    assert response.status_code == 201, response.text
    violation = response.json()
    assert violation["kinds"] == ["publication", "editing"]
    assert violation["incidentReference"].startswith("DA-")
    assert response.headers["Location"] == f"/api/v1/incidents/{violation['incidentId']}"
    incident = client.get(f"/api/v1/incidents/{violation['incidentId']}", headers=org["employee"].headers)
    assert incident.status_code == 200, "the employee concerned follows the incident"
    data = incident.json()
    assert data["behaviours"] == ["unauthorised_recording", "insult"]
    assert data["urls"] == ["https://youtube.com/watch?v=abc123"]
    assert data["platform"] == "youtube"
    assert data["status"] == "reported"
    assert data["perpetrator"]["name"] == "P. Jansen"
    assert data["affectedEmployees"][0]["userId"] == str(org["employee"].user_id)
    assert "privacy" in data["classification"]
    assert permission["id"] in data["description"]
    listed = client.get(f"{URL}/{permission['id']}/violations", headers=org["case_handler"].headers)
    assert listed.status_code == 200
    assert [v["id"] for v in listed.json()["items"]] == [violation["id"]]
    with Session(engine) as session:
        actions = set(session.exec(select(AuditEvent.action)).all())
    assert {"recording_permission.violation", "incident.create"} <= actions


def test_violation_on_alternative_offered_is_accepted(client, org):
    permission = client.post(
        URL,
        json=permission_body(
            decision="alternative_offered",
            refusalGround="weighty_reason",
            reason="Ongoing investigation.",
            alternative="The municipality records and shares a copy.",
        ),
        headers=org["employee"].headers,
    ).json()
    response = client.post(
        f"{URL}/{permission['id']}/violations",
        json=violation_body(kinds=["recording_without_permission"], behaviours=[], urls=[], platform="other"),
        headers=org["employee"].headers,
    )
    assert response.status_code == 201, response.text


def test_violation_on_refused_or_pending_permission_is_refused_and_nothing_written(client, org, engine):
    refused = client.post(
        URL,
        json=permission_body(
            decision="refused",
            refusalGround="weighty_reason",
            reason="Threats before.",
            alternative="Written report.",
        ),
        headers=org["employee"].headers,
    ).json()
    pending = client.post(
        URL, json=permission_body(decision="pending"), headers=org["employee"].headers
    ).json()
    for permission in (refused, pending):
        response = client.post(
            f"{URL}/{permission['id']}/violations", json=violation_body(), headers=org["employee"].headers
        )
        assert response.status_code == 409
        assert response.headers["content-type"] == "application/problem+json"
        assert "unauthorised_recording" in response.json()["detail"]
    assert count(engine, Incident) == 0
    assert count(engine, RecordingViolation) == 0


def test_violation_on_unknown_or_foreign_permission_is_not_found(client, org, other_org, engine):
    theirs = client.post(URL, json=permission_body(), headers=other_org["admin"].headers).json()
    for ident in (theirs["id"], "00000000-0000-4000-8000-000000000000"):
        response = client.post(
            f"{URL}/{ident}/violations", json=violation_body(), headers=org["admin"].headers
        )
        assert response.status_code == 404
        assert client.get(f"{URL}/{ident}/violations", headers=org["admin"].headers).status_code == 404
    assert count(engine, Incident) == 0


def test_violation_dates_in_the_wrong_order_are_refused(client, org, engine):
    permission = _granted(client, org)
    url = f"{URL}/{permission['id']}/violations"
    before = client.post(
        url, json=violation_body(occurredAt="2026-03-01T12:00:00Z"), headers=org["manager"].headers
    )
    assert before.status_code == 400
    assert names(before) == {"occurredAt"}
    detected = client.post(
        url, json=violation_body(detectedAt="2026-03-03T19:00:00Z"), headers=org["manager"].headers
    )
    assert names(detected) == {"detectedAt"}
    future = client.post(
        url, json=violation_body(occurredAt="2099-01-01T00:00:00Z"), headers=org["manager"].headers
    )
    assert names(future) == {"occurredAt"}
    assert count(engine, Incident) == 0
    assert count(engine, RecordingViolation) == 0


def test_unknown_violation_kind_and_behaviour_are_field_errors(client, org, engine):
    permission = _granted(client, org)
    response = client.post(
        f"{URL}/{permission['id']}/violations",
        json=violation_body(kinds=["remix"], behaviours=["rudeness"], urls=["ftp://x"]),
        headers=org["manager"].headers,
    )
    assert response.status_code == 400
    assert names(response) == {"kinds/0", "behaviours/0", "urls/0"}
    assert count(engine, Incident) == 0


def test_employee_outside_need_to_know_cannot_report_a_violation(client, org, engine):
    permission = client.post(URL, json=permission_body(), headers=org["manager"].headers).json()
    response = client.post(
        f"{URL}/{permission['id']}/violations", json=violation_body(), headers=org["employee"].headers
    )
    assert response.status_code == 404
    assert count(engine, Incident) == 0


def test_api_client_needs_incident_write_scope_too(client, org, engine):
    permission = _granted(client, org)
    url = f"{URL}/{permission['id']}/violations"
    only_recordings = make_api_client(engine, org, scopes=[Scope.recording_permissions_write])
    refused = client.post(url, json=violation_body(), headers=only_recordings)
    assert refused.status_code == 403
    assert "incidents:write" in refused.json()["detail"]
    assert count(engine, Incident) == 0
    both = make_api_client(engine, org, scopes=[Scope.recording_permissions_write, Scope.incidents_write])
    assert client.post(url, json=violation_body(), headers=both).status_code == 201


def test_violation_incident_describes_the_permission_in_the_organisations_language(client, org, other_org):
    permission = _granted(client, org)
    response = client.post(
        f"{URL}/{permission['id']}/violations", json=violation_body(), headers=org["manager"].headers
    )
    incident = client.get(
        f"/api/v1/incidents/{response.json()['incidentId']}", headers=org["manager"].headers
    )
    description = incident.json()["description"]
    assert "Toestemming voor opname" in description and "openbaar gemaakt" in description
    assert "Recording permission" not in description and "publication" not in description

    danish = client.post(URL, json=permission_body(), headers=other_org["case_handler"].headers).json()
    response = client.post(
        f"{URL}/{danish['id']}/violations", json=violation_body(), headers=other_org["case_handler"].headers
    )
    incident = client.get(
        f"/api/v1/incidents/{response.json()['incidentId']}", headers=other_org["case_handler"].headers
    )
    assert "Tilladelse til optagelse" in incident.json()["description"]
    assert "offentliggjort" in incident.json()["description"]


def test_violation_on_a_refused_permission_names_a_specific_code(client, org):
    body = permission_body(
        decision="refused", refusalGround="weighty_reason", reason="Veiligheid", alternative="Verslag"
    )
    refused = client.post(URL, json=body, headers=org["manager"].headers).json()
    response = client.post(
        f"{URL}/{refused['id']}/violations", json=violation_body(), headers=org["manager"].headers
    )
    assert response.status_code == 409
    assert [(e["name"], e["code"]) for e in response.json()["errors"]] == [
        ("recordingPermissionId", "no-conditions")
    ]
