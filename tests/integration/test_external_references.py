"""External references: found by system and id, never registered twice in one organisation."""

from __future__ import annotations

from sqlmodel import Session, select

from app.auth.actor import Scope
from app.incident.models import Incident
from app.integration.models import IncidentExternalReference
from tests.fixtures.factories import incident_body, make_api_client


def count(engine, model=Incident) -> int:
    with Session(engine) as session:
        return len(session.exec(select(model)).all())


def gir(number: str, **extra):
    return incident_body(externalReferences=[{"system": "GIR", "id": number}], **extra)


def test_incident_is_found_by_its_external_reference(client, org, engine):
    headers = make_api_client(engine, org, scopes=[Scope.incidents_write, Scope.incidents_read])
    created = client.post("/api/v1/incidents", json=gir("GIR-1001"), headers=headers).json()
    client.post("/api/v1/incidents", json=gir("GIR-1002"), headers=headers)
    found = client.get("/api/v1/incidents?externalSystem=GIR&externalId=GIR-1001", headers=headers).json()
    assert [i["id"] for i in found["items"]] == [created["id"]]
    lower = client.get("/api/v1/incidents?externalSystem=gir&externalId=GIR-1001", headers=headers).json()
    assert [i["id"] for i in lower["items"]] == [created["id"]]
    none = client.get("/api/v1/incidents?externalSystem=GIR&externalId=nope", headers=headers).json()
    assert none["items"] == []


def test_pushing_an_existing_reference_is_409_with_location_and_creates_nothing(client, org, engine):
    headers = make_api_client(engine, org, scopes=[Scope.incidents_write])
    first = client.post("/api/v1/incidents", json=gir("GIR-7"), headers=headers)
    assert first.status_code == 201
    second = client.post("/api/v1/incidents", json=gir("GIR-7", title="Retyped"), headers=headers)
    assert second.status_code == 409
    assert second.headers["content-type"] == "application/problem+json"
    assert second.headers["Location"] == first.headers["Location"]
    problem = second.json()
    assert problem["type"].endswith("/api/v1/problems/duplicate-external-reference")
    assert problem["errors"][0]["name"] == "externalReferences/0"
    assert count(engine) == 1
    assert count(engine, IncidentExternalReference) == 1


def test_references_are_unique_per_organisation_not_globally(client, org, other_org, engine):
    ours = client.post("/api/v1/incidents", json=gir("GIR-9"), headers=org["case_handler"].headers)
    theirs = client.post("/api/v1/incidents", json=gir("GIR-9"), headers=other_org["case_handler"].headers)
    assert ours.status_code == theirs.status_code == 201
    # Another organisation's incident is never found through the filter.
    found = client.get(
        "/api/v1/incidents?externalSystem=GIR&externalId=GIR-9", headers=org["case_handler"].headers
    ).json()
    assert [i["id"] for i in found["items"]] == [ours.json()["id"]]


def test_update_keeps_the_index_in_step_and_refuses_a_taken_reference(client, org, engine):
    headers = org["case_handler"].headers
    a = client.post("/api/v1/incidents", json=gir("A-1"), headers=headers).json()
    b = client.post("/api/v1/incidents", json=gir("B-1"), headers=headers).json()
    taken = client.patch(
        f"/api/v1/incidents/{b['id']}",
        json={"externalReferences": [{"system": "GIR", "id": "A-1"}]},
        headers={**headers, "If-Match": '"1"'},
    )
    assert taken.status_code == 409
    assert taken.headers["Location"] == f"/api/v1/incidents/{a['id']}"
    moved = client.patch(
        f"/api/v1/incidents/{a['id']}",
        json={"externalReferences": [{"system": "SafetyNet", "id": "SN-5"}]},
        headers={**headers, "If-Match": '"1"'},
    )
    assert moved.status_code == 200, moved.text
    with Session(engine) as session:
        rows = {(r.system, r.external_id) for r in session.exec(select(IncidentExternalReference)).all()}
    assert rows == {("SAFETYNET", "SN-5"), ("GIR", "B-1")}
    reused = client.patch(
        f"/api/v1/incidents/{b['id']}",
        json={"externalReferences": [{"system": "GIR", "id": "A-1"}]},
        headers={**headers, "If-Match": '"1"'},
    )
    assert reused.status_code == 200


def test_filter_needs_both_keys(client, org):
    response = client.get("/api/v1/incidents?externalSystem=GIR", headers=org["case_handler"].headers)
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "in": "query",
        "name": "externalId",
        "code": "missing",
        "detail": "required together with the other",
    }


def test_duplicates_within_one_body_are_one_reference(client, org, engine):
    body = incident_body(externalReferences=[{"system": "GIR", "id": "D-1"}, {"system": "gir", "id": "D-1"}])
    assert client.post("/api/v1/incidents", json=body, headers=org["case_handler"].headers).status_code == 201
    assert count(engine, IncidentExternalReference) == 1
