"""Registering, listing, reading and updating incidents through the API."""

from __future__ import annotations

from sqlmodel import Session, select

from app.incident.models import Incident
from tests.fixtures.factories import incident_body


def test_create_with_smallest_body_assigns_reference_and_classification(client, org):
    response = client.post("/api/v1/incidents", json=incident_body(), headers=org["employee"].headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["reference"].startswith("DA-20")
    assert body["reference"].endswith("-0001")
    assert body["status"] == "reported"
    assert body["classification"] == ["actionable"]  # swearing: criminal only under circumstances
    assert body["reportedBy"] == {"kind": "user", "id": str(org["employee"].user_id)}
    assert body["occurredAt"] == "2026-03-02T09:30:00Z"
    assert response.headers["Location"] == f"/api/v1/incidents/{body['id']}"
    assert response.headers["ETag"] == '"1"'
    assert response.headers["API-Version"] == "1.0.0"


def test_references_count_up_per_organisation(client, org, other_org):
    refs = [
        client.post("/api/v1/incidents", json=incident_body(), headers=org["employee"].headers).json()[
            "reference"
        ]
        for _ in range(3)
    ]
    assert [r[-4:] for r in refs] == ["0001", "0002", "0003"]
    other = client.post(
        "/api/v1/incidents", json=incident_body(), headers=other_org["case_handler"].headers
    ).json()
    assert other["reference"].endswith("-0001")


def test_classification_combines_criminal_actionable_and_privacy(client, org):
    body = incident_body(behaviours=["insult", "swearing", "doxxing", "insult"])
    created = client.post("/api/v1/incidents", json=body, headers=org["employee"].headers).json()
    assert created["behaviours"] == ["insult", "swearing", "doxxing"]
    assert created["classification"] == ["criminal", "actionable", "privacy"]


def test_full_create_body_round_trips(client, org):
    body = incident_body(
        description="Post with home address and a threat.",
        detectedAt="2026-03-02T11:00:00+01:00",
        locationKind="municipal_account",
        urls=["https://facebook.com/gemeente/posts/1"],
        frequency="several_times",
        targets=["employee", "organisation"],
        affectedEmployees=[{"name": "J. de Vries", "userId": str(org["employee"].user_id)}],
        perpetrator={"known": True, "name": "X", "accountHandles": ["@x"], "relation": "client"},
        severity="high",
        confidentiality="confidential",
        caseHandlerId=str(org["case_handler"].user_id),
        externalReferences=[{"system": "GIR", "id": "GIR-77"}],
        girCategory="persoonlijke bedreiging",
    )
    created = client.post("/api/v1/incidents", json=body, headers=org["case_handler"].headers)
    assert created.status_code == 201, created.text
    got = client.get(f"/api/v1/incidents/{created.json()['id']}", headers=org["case_handler"].headers)
    data = got.json()
    assert data["detectedAt"] == "2026-03-02T10:00:00Z"
    assert data["perpetrator"]["accountHandles"] == ["@x"]
    assert data["affectedEmployees"][0]["userId"] == str(org["employee"].user_id)
    assert data["externalReferences"] == [{"system": "GIR", "id": "GIR-77"}]


def test_employee_sees_only_own_and_concerning_incidents(client, org):
    mine = client.post("/api/v1/incidents", json=incident_body(), headers=org["employee"].headers).json()
    about_me = client.post(
        "/api/v1/incidents",
        json=incident_body(affectedEmployees=[{"name": "E", "userId": str(org["employee"].user_id)}]),
        headers=org["case_handler"].headers,
    ).json()
    other = client.post("/api/v1/incidents", json=incident_body(), headers=org["case_handler"].headers).json()
    listed = client.get("/api/v1/incidents", headers=org["employee"].headers).json()
    assert {i["id"] for i in listed["items"]} == {mine["id"], about_me["id"]}
    hidden = client.get(f"/api/v1/incidents/{other['id']}", headers=org["employee"].headers)
    assert hidden.status_code == 404
    assert hidden.headers["content-type"] == "application/problem+json"


def test_incident_of_another_organisation_is_not_found(client, org, other_org):
    theirs = client.post(
        "/api/v1/incidents", json=incident_body(), headers=other_org["case_handler"].headers
    ).json()
    response = client.get(f"/api/v1/incidents/{theirs['id']}", headers=org["case_handler"].headers)
    assert response.status_code == 404
    patch = client.patch(
        f"/api/v1/incidents/{theirs['id']}",
        json={"title": "x"},
        headers={**org["case_handler"].headers, "If-Match": '"1"'},
    )
    assert patch.status_code == 404
    listed = client.get("/api/v1/incidents", headers=org["case_handler"].headers).json()
    assert listed["items"] == []


def test_strictly_confidential_incident_is_hidden_from_unassigned_handlers_and_managers(client, org):
    created = client.post(
        "/api/v1/incidents",
        json=incident_body(confidentiality="strictly_confidential"),
        headers=org["employee"].headers,
    ).json()
    url = f"/api/v1/incidents/{created['id']}"
    assert client.get(url, headers=org["case_handler"].headers).status_code == 404
    assert client.get(url, headers=org["manager"].headers).status_code == 404
    assert client.get(url, headers=org["admin"].headers).status_code == 404
    assert client.get(url, headers=org["privacy_officer"].headers).status_code == 200
    assert client.get(url, headers=org["employee"].headers).status_code == 200


def test_auditor_does_not_see_incidents_of_others(client, org):
    client.post("/api/v1/incidents", json=incident_body(), headers=org["employee"].headers)
    assert client.get("/api/v1/incidents", headers=org["auditor"].headers).json()["items"] == []


def test_list_pages_follow_next_links_without_gaps_or_repeats(client, org):
    created = {
        client.post(
            "/api/v1/incidents", json=incident_body(title=f"T{i}"), headers=org["employee"].headers
        ).json()["id"]
        for i in range(7)
    }
    seen: list[str] = []
    url: str | None = "/api/v1/incidents?limit=3"
    pages = 0
    while url:
        page = client.get(url, headers=org["employee"].headers).json()
        seen.extend(i["id"] for i in page["items"])
        url = page["next"]
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 7
    assert set(seen) == created


def test_list_filters_by_status_behaviour_platform_dates_and_text(client, org):
    headers = org["case_handler"].headers
    a = client.post(
        "/api/v1/incidents",
        json=incident_body(title="Doxxing of Anna", behaviours=["doxxing"], platform="x"),
        headers=headers,
    ).json()
    b = client.post(
        "/api/v1/incidents",
        json=incident_body(title="Insult 100%", occurredAt="2025-01-01T00:00:00Z", behaviours=["threat"]),
        headers=headers,
    ).json()

    def ids(query: str) -> set[str]:
        response = client.get(f"/api/v1/incidents?{query}", headers=headers)
        assert response.status_code == 200, response.text
        return {i["id"] for i in response.json()["items"]}

    assert ids("behaviour=doxxing") == {a["id"]}
    assert ids("behaviour=doxxing&behaviour=threat") == {a["id"], b["id"]}
    assert ids("platform=x") == {a["id"]}
    assert ids("q=anna") == {a["id"]}
    assert ids("q=100%25") == {b["id"]}
    assert ids("q=0%25") == {b["id"]}
    assert ids("occurredTo=2026-01-01T00:00:00Z") == {b["id"]}
    assert ids("occurredFrom=2026-01-01T00:00:00Z") == {a["id"]}
    assert ids("status=reported") == {a["id"], b["id"]}
    assert ids("status=closed") == set()


def test_patch_requires_if_match_and_refuses_stale_versions(client, org):
    headers = org["case_handler"].headers
    created = client.post("/api/v1/incidents", json=incident_body(), headers=headers)
    url = f"/api/v1/incidents/{created.json()['id']}"
    missing = client.patch(url, json={"severity": "high"}, headers=headers)
    assert missing.status_code == 428
    ok = client.patch(url, json={"severity": "high"}, headers={**headers, "If-Match": '"1"'})
    assert ok.status_code == 200, ok.text
    assert ok.headers["ETag"] == '"2"'
    stale = client.patch(url, json={"severity": "low"}, headers={**headers, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert client.get(url, headers=headers).json()["severity"] == "high"


def test_status_workflow_allows_protocol_order_and_reopen(client, org):
    headers = org["case_handler"].headers
    incident = client.post("/api/v1/incidents", json=incident_body(), headers=headers).json()
    url = f"/api/v1/incidents/{incident['id']}"
    version = 1
    for change in (
        {"status": "in_progress"},
        {"status": "monitoring"},
        {"status": "closed", "closureReason": "Content removed, perpetrator summoned."},
        {"status": "in_progress"},
    ):
        response = client.patch(url, json=change, headers={**headers, "If-Match": f'"{version}"'})
        assert response.status_code == 200, response.text
        version += 1
    final = response.json()
    assert final["status"] == "in_progress"
    assert final["closedAt"] is None


def test_invalid_transition_is_a_conflict_and_changes_nothing(client, org):
    headers = org["case_handler"].headers
    incident = client.post("/api/v1/incidents", json=incident_body(), headers=headers).json()
    url = f"/api/v1/incidents/{incident['id']}"
    response = client.patch(url, json={"status": "monitoring"}, headers={**headers, "If-Match": '"1"'})
    assert response.status_code == 409
    assert response.json()["errors"][0]["name"] == "status"
    assert client.get(url, headers=headers).json()["version"] == 1


def test_closing_needs_a_reason(client, org):
    headers = org["case_handler"].headers
    incident = client.post("/api/v1/incidents", json=incident_body(), headers=headers).json()
    response = client.patch(
        f"/api/v1/incidents/{incident['id']}",
        json={"status": "closed"},
        headers={**headers, "If-Match": '"1"'},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["name"] == "closureReason"


def test_classification_override_needs_reason_and_can_be_cleared(client, org):
    headers = org["case_handler"].headers
    incident = client.post(
        "/api/v1/incidents", json=incident_body(behaviours=["threat"]), headers=headers
    ).json()
    url = f"/api/v1/incidents/{incident['id']}"
    no_reason = client.patch(
        url,
        json={"classificationOverride": {"categories": ["actionable"]}},
        headers={**headers, "If-Match": '"1"'},
    )
    assert no_reason.status_code == 400
    assert no_reason.json()["errors"][0]["name"] == "classificationOverride/reason"
    overridden = client.patch(
        url,
        json={"classificationOverride": {"categories": ["actionable"], "reason": "No real threat."}},
        headers={**headers, "If-Match": '"1"'},
    ).json()
    assert overridden["classification"] == ["actionable"]
    assert overridden["derivedClassification"] == ["criminal"]
    cleared = client.patch(
        url, json={"classificationOverride": None}, headers={**headers, "If-Match": '"2"'}
    ).json()
    assert cleared["classification"] == ["criminal"]
    assert cleared["classificationOverride"] is None


def test_changing_behaviours_rederives_classification(client, org):
    headers = org["case_handler"].headers
    incident = client.post("/api/v1/incidents", json=incident_body(), headers=headers).json()
    updated = client.patch(
        f"/api/v1/incidents/{incident['id']}",
        json={"behaviours": ["doxxing"]},
        headers={**headers, "If-Match": '"1"'},
    ).json()
    assert updated["classification"] == ["privacy"]
    listed = client.get("/api/v1/incidents?behaviour=threat", headers=headers).json()
    assert listed["items"] == []


def test_reporter_may_correct_facts_but_not_status(client, org):
    headers = org["employee"].headers
    incident = client.post("/api/v1/incidents", json=incident_body(), headers=headers).json()
    url = f"/api/v1/incidents/{incident['id']}"
    fixed = client.patch(url, json={"title": "Corrected"}, headers={**headers, "If-Match": '"1"'})
    assert fixed.status_code == 200
    refused = client.patch(url, json={"status": "in_progress"}, headers={**headers, "If-Match": '"2"'})
    assert refused.status_code == 403


def test_manager_cannot_update(client, org):
    incident = client.post("/api/v1/incidents", json=incident_body(), headers=org["employee"].headers).json()
    response = client.patch(
        f"/api/v1/incidents/{incident['id']}",
        json={"severity": "low"},
        headers={**org["manager"].headers, "If-Match": '"1"'},
    )
    assert response.status_code == 403


def test_every_write_is_audited(client, org, engine):
    headers = org["case_handler"].headers
    incident = client.post("/api/v1/incidents", json=incident_body(), headers=headers).json()
    client.patch(
        f"/api/v1/incidents/{incident['id']}",
        json={"severity": "high"},
        headers={**headers, "If-Match": '"1"'},
    )
    events = client.get(
        f"/api/v1/audit-events?objectId={incident['id']}", headers=org["auditor"].headers
    ).json()["items"]
    assert [e["action"] for e in events] == ["incident.update", "incident.create"]
    assert events[0]["details"]["fields"] == ["severity"]
    assert events[0]["actorId"] == str(org["case_handler"].user_id)
    with Session(engine) as session:
        assert len(session.exec(select(Incident)).all()) == 1
