"""API conventions: problem+json for every error, status codes, headers, nothing written on bad input."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from app.incident.models import Incident
from tests.fixtures.factories import incident_body


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["API-Version"] == "1.0.0"
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["instance"]
    return body


def count_incidents(engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(Incident)).all())


def test_unknown_route_is_404_problem(client):
    assert_problem(client.get("/api/v1/nothing-here"), 404)


def test_trailing_slash_is_404_not_redirect(client, org):
    response = client.get("/api/v1/incidents/", headers=org["employee"].headers, follow_redirects=False)
    assert_problem(response, 404)


def test_wrong_method_is_405_problem(client, org):
    response = client.put("/api/v1/incidents", json={}, headers=org["employee"].headers)
    assert_problem(response, 405)


def test_malformed_json_is_400(client, org, engine):
    response = client.post(
        "/api/v1/incidents",
        content=b'{"title": "x",',
        headers={**org["employee"].headers, "Content-Type": "application/json"},
    )
    body = assert_problem(response, 400)
    assert body["errors"][0]["code"] == "json_invalid"
    assert count_incidents(engine) == 0


def test_wrong_content_type_is_415(client, org, engine):
    response = client.post(
        "/api/v1/incidents",
        content=b"title=x",
        headers={**org["employee"].headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_problem(response, 415)
    assert count_incidents(engine) == 0


def test_oversized_body_is_413(client, org, engine):
    big = incident_body(description="x" * 2_000_000)
    assert_problem(client.post("/api/v1/incidents", json=big, headers=org["employee"].headers), 413)
    assert count_incidents(engine) == 0


def test_oversized_chunked_body_is_413(client, org, engine):
    def chunks():
        yield b'{"title": "'
        for _ in range(300):
            yield b"x" * 8192
        yield b'"}'

    response = client.post(
        "/api/v1/incidents",
        content=chunks(),
        headers={**org["employee"].headers, "Content-Type": "application/json"},
    )
    assert_problem(response, 413)
    assert count_incidents(engine) == 0


def test_invalid_input_lists_every_field_error_at_once(client, org, engine):
    body = {
        "title": "",
        "occurredAt": "yesterday",
        "platform": "myspace",
        "behaviours": ["threat", "hugging"],
        "urls": ["javascript:alert(1)"],
        "severity": 3,
        "unknownField": True,
    }
    problem = assert_problem(
        client.post("/api/v1/incidents", json=body, headers=org["employee"].headers), 400
    )
    names = {e["name"] for e in problem["errors"]}
    assert {"title", "occurredAt", "platform", "behaviours/1", "urls/0", "severity", "unknownField"} <= names
    assert all(e["in"] == "body" for e in problem["errors"])
    assert count_incidents(engine) == 0


@pytest.mark.parametrize("missing", ["title", "occurredAt", "platform", "behaviours"])
def test_each_required_field_is_named_when_missing(client, org, missing):
    body = incident_body()
    del body[missing]
    problem = assert_problem(
        client.post("/api/v1/incidents", json=body, headers=org["employee"].headers), 400
    )
    assert [e["name"] for e in problem["errors"]] == [missing]
    assert problem["errors"][0]["code"] == "missing"


def test_dates_without_timezone_or_in_the_future_are_refused(client, org):
    naive = client.post(
        "/api/v1/incidents",
        json=incident_body(occurredAt="2026-03-02T09:30:00"),
        headers=org["employee"].headers,
    )
    assert assert_problem(naive, 400)["errors"][0]["name"] == "occurredAt"
    future = client.post(
        "/api/v1/incidents",
        json=incident_body(occurredAt="2999-01-01T00:00:00Z"),
        headers=org["employee"].headers,
    )
    assert "future" in assert_problem(future, 400)["errors"][0]["detail"]


def test_detected_before_occurred_is_refused(client, org, engine):
    response = client.post(
        "/api/v1/incidents",
        json=incident_body(detectedAt="2026-03-01T00:00:00Z"),
        headers=org["employee"].headers,
    )
    assert assert_problem(response, 400)["errors"][0]["name"] == "detectedAt"
    assert count_incidents(engine) == 0


def test_unknown_people_are_field_errors(client, org, other_org, engine):
    foreign_user = str(other_org["case_handler"].user_id)
    response = client.post(
        "/api/v1/incidents",
        json=incident_body(
            affectedEmployees=[{"name": "X", "userId": foreign_user}],
            caseHandlerId=str(org["employee"].user_id),
        ),
        headers=org["case_handler"].headers,
    )
    names = {e["name"] for e in assert_problem(response, 400)["errors"]}
    assert names == {"affectedEmployees/0/userId", "caseHandlerId"}
    assert count_incidents(engine) == 0


def test_bad_query_parameters_are_400(client, org):
    headers = org["employee"].headers
    for query in ("limit=0", "limit=1000", "status=open", "occurredFrom=notadate", "cursor=%%%", "q=a"):
        response = client.get(f"/api/v1/incidents?{query}", headers=headers)
        problem = assert_problem(response, 400)
        assert problem["errors"][0]["in"] == "query", query


def test_bad_path_id_is_400_and_unknown_id_is_404(client, org):
    headers = org["employee"].headers
    assert_problem(client.get("/api/v1/incidents/not-a-uuid", headers=headers), 400)
    assert_problem(client.get("/api/v1/incidents/00000000-0000-4000-8000-000000000000", headers=headers), 404)


def test_patch_with_nulls_for_required_fields_is_400(client, org):
    headers = org["case_handler"].headers
    created = client.post("/api/v1/incidents", json=incident_body(), headers=headers).json()
    response = client.patch(
        f"/api/v1/incidents/{created['id']}",
        json={"title": None, "behaviours": None},
        headers={**headers, "If-Match": '"1"'},
    )
    assert {e["name"] for e in assert_problem(response, 400)["errors"]} == {"title", "behaviours"}


def test_security_headers_on_success_and_error(client, org):
    for response in (
        client.get("/api/v1/incidents", headers=org["employee"].headers),
        client.get("/api/v1/incidents"),
        client.get("/healthz"),
    ):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["API-Version"] == "1.0.0"


def test_datetimes_are_utc_with_z(client, org):
    created = client.post(
        "/api/v1/incidents",
        json=incident_body(occurredAt="2026-03-02T11:30:00+02:00"),
        headers=org["employee"].headers,
    ).json()
    assert created["occurredAt"] == "2026-03-02T09:30:00Z"
    assert created["reportedAt"].endswith("Z")
