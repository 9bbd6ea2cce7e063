"""The coordinator's queues, each one call: unassigned incidents, overdue actions, late takedown
answers, integrity alerts; the monthly chart figures; what the caller may do with an incident."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.auth.actor import Scope
from tests.fixtures.factories import make_api_client
from tests.fixtures.handling import SENDER_NOTICE, add_evidence, make_incident, set_column


def _ids(response):
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def _past(**delta):
    return datetime.now(UTC) - timedelta(**delta)


def test_unassigned_incidents_combine_with_status_and_respect_need_to_know(client, org, other_org):
    handler = org["case_handler"]
    loose = make_incident(client, handler, behaviours=["death_threat"])
    taken = make_incident(client, handler, caseHandlerId=str(handler.user_id))
    secret = make_incident(client, org["privacy_officer"], confidentiality="strictly_confidential")
    make_incident(client, other_org["case_handler"])
    url = "/api/v1/incidents?unassigned=true&status=reported&status=in_progress"
    assert _ids(client.get(url, headers=handler.headers)) == [loose["id"]]
    assert set(_ids(client.get(url, headers=org["privacy_officer"].headers))) == {loose["id"], secret["id"]}
    assigned = _ids(client.get("/api/v1/incidents?unassigned=false", headers=handler.headers))
    assert assigned == [taken["id"]]
    mine = _ids(client.get(f"/api/v1/incidents?caseHandlerId={handler.user_id}", headers=handler.headers))
    assert mine == [taken["id"]]
    assert _ids(client.get("/api/v1/incidents?unassigned=true&status=closed", headers=handler.headers)) == []
    # Only these incidents: one call resolves the references of a worklist.
    picked = _ids(
        client.get(f"/api/v1/incidents?id={taken['id']}&id={secret['id']}", headers=handler.headers)
    )
    assert picked == [taken["id"]]


def test_actions_filter_by_kind_and_overdue(client, org, engine):
    handler = org["case_handler"]
    threat = make_incident(client, handler, behaviours=["death_threat"])
    police = _ids(client.get("/api/v1/actions?kind=police_report&open=true", headers=handler.headers))
    assert len(police) == 1  # the protocol's police report step, created with the incident
    created = client.post(
        f"/api/v1/incidents/{threat['id']}/actions",
        json={"kind": "consultation", "assigneeId": str(handler.user_id)},
        headers=handler.headers,
    )
    assert created.status_code == 201, created.text
    both = _ids(client.get("/api/v1/actions?kind=police_report&kind=consultation", headers=handler.headers))
    assert set(both) == {police[0], created.json()["id"]}
    assert _ids(client.get("/api/v1/actions?overdue=true", headers=handler.headers)) == []
    set_column(engine, "action", police[0], due_at=_past(hours=1))
    assert (
        _ids(client.get("/api/v1/actions?overdue=true&kind=police_report", headers=handler.headers)) == police
    )
    assert _ids(client.get("/api/v1/actions?overdue=false", headers=handler.headers)) == [
        created.json()["id"]
    ]
    assert client.get("/api/v1/actions?kind=tea", headers=handler.headers).status_code == 400
    assert client.get("/api/v1/actions?overdue=true", headers=org["employee"].headers).status_code == 403


def test_takedown_requests_awaiting_an_answer_past_their_due_date(client, org, other_org, engine):
    handler = org["case_handler"]
    incident = make_incident(client, handler)
    ids = []
    for _ in range(3):
        created = client.post(
            f"/api/v1/incidents/{incident['id']}/takedown-requests",
            json=SENDER_NOTICE,
            headers=handler.headers,
        )
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    late, acknowledged_late, on_time = ids
    set_column(engine, "takedown_request", late, status="sent", sent_at=_past(days=9), due_at=_past(days=2))
    set_column(engine, "takedown_request", acknowledged_late, status="acknowledged", due_at=_past(hours=1))
    set_column(
        engine, "takedown_request", on_time, status="sent", due_at=datetime.now(UTC) + timedelta(days=3)
    )
    overdue = _ids(client.get("/api/v1/takedown-requests?answerOverdue=true", headers=handler.headers))
    assert set(overdue) == {late, acknowledged_late}
    sent = _ids(client.get("/api/v1/takedown-requests?status=sent", headers=handler.headers))
    assert set(sent) == {late, on_time}
    assert (
        _ids(
            client.get(
                "/api/v1/takedown-requests?answerOverdue=true", headers=other_org["case_handler"].headers
            )
        )
        == []
    )
    assert set(_ids(client.get("/api/v1/takedown-requests", headers=org["manager"].headers))) == set(ids)
    assert client.get("/api/v1/takedown-requests", headers=org["employee"].headers).status_code == 403
    scoped = make_api_client(engine, org, scopes=[Scope.takedowns_read, Scope.incidents_read])
    assert len(_ids(client.get("/api/v1/takedown-requests?answerOverdue=true", headers=scoped))) == 2


def test_evidence_with_integrity_alerts(client, org, other_org, engine):
    handler = org["case_handler"]
    incident = make_incident(client, handler)
    bad = add_evidence(client, handler, incident_id=incident["id"], url="https://x.com/a", seed=1)
    gone = add_evidence(client, handler, incident_id=incident["id"], url="https://x.com/b", seed=2)
    fine = add_evidence(client, handler, incident_id=incident["id"], url="https://x.com/c", seed=3)
    set_column(engine, "evidence", bad, last_verification_result="mismatch")
    set_column(engine, "evidence", gone, last_verification_result="missing")
    set_column(engine, "evidence", fine, last_verification_result="ok")
    alerts = _ids(
        client.get("/api/v1/evidence?verification=mismatch&verification=missing", headers=handler.headers)
    )
    assert set(alerts) == {bad, gone}
    assert len(_ids(client.get("/api/v1/evidence", headers=handler.headers))) == 3
    assert (
        _ids(client.get("/api/v1/evidence?verification=mismatch", headers=other_org["case_handler"].headers))
        == []
    )
    # An employee sees only the evidence of their own reports.
    assert _ids(client.get("/api/v1/evidence?verification=mismatch", headers=org["employee"].headers)) == []
    assert client.get("/api/v1/evidence?verification=broken", headers=handler.headers).status_code == 400


def test_monthly_statistics_count_incidents_not_mentions(client, org):
    handler = org["case_handler"]
    make_incident(client, handler, occurredAt="2026-03-02T09:30:00Z", behaviours=["threat", "insult"])
    make_incident(client, handler, occurredAt="2026-03-20T09:30:00Z", behaviours=["threat"], platform="x")
    make_incident(client, handler, occurredAt="2026-05-01T00:00:00Z", behaviours=["insult"])
    response = client.get(
        "/api/v1/statistics?occurredFrom=2026-02-01T00:00:00Z&occurredTo=2026-06-01T00:00:00Z",
        headers=org["manager"].headers,
    )
    assert response.status_code == 200, response.text
    monthly = {m["month"]: m for m in response.json()["monthly"]}
    assert list(monthly) == ["2026-02", "2026-03", "2026-04", "2026-05"]
    march = monthly["2026-03"]
    assert march["total"] == 2
    assert {c["key"]: c["count"] for c in march["byBehaviour"]} == {"threat": 2, "insult": 1}
    assert {c["key"]: c["count"] for c in march["byPlatform"]} == {"facebook": 1, "x": 1}
    assert monthly["2026-02"] == {
        "month": "2026-02",
        "total": 0,
        "byBehaviour": [],
        "byMainBehaviour": [],
        "byPlatform": [],
    }
    assert monthly["2026-05"]["total"] == 1


def test_allowed_actions_follow_the_rules_of_the_operations(client, org, engine):
    handler, employee = org["case_handler"], org["employee"]
    mine = make_incident(client, employee)
    url = f"/api/v1/incidents/{mine['id']}"
    assert mine["allowedActions"] == ["update", "addEvidence", "exportDossier"]
    as_handler = client.get(url, headers=handler.headers).json()["allowedActions"]
    assert as_handler == [
        "update",
        "updateHandling",
        "close",
        "addEvidence",
        "addAction",
        "waiveAction",
        "addTakedown",
        "exportDossier",
    ]
    as_privacy = client.get(url, headers=org["privacy_officer"].headers).json()["allowedActions"]
    assert "addAction" in as_privacy and "waiveAction" not in as_privacy
    as_manager = client.get(url, headers=org["manager"].headers).json()["allowedActions"]
    assert "update" not in as_manager and "addAction" not in as_manager
    # Picked up: the reporter may no longer change the facts; closed: nothing to close.
    current = client.get(url, headers=handler.headers)
    closed = client.patch(
        url,
        json={"status": "closed", "closureReason": "Handled"},
        headers={**handler.headers, "If-Match": current.headers["ETag"]},
    )
    assert closed.status_code == 200, closed.text
    assert "close" not in closed.json()["allowedActions"]
    assert "update" not in client.get(url, headers=employee.headers).json()["allowedActions"]
    listed = client.get("/api/v1/incidents", headers=employee.headers).json()["items"]
    assert listed[0]["allowedActions"] == ["addEvidence", "exportDossier"]
    client_headers = make_api_client(engine, org, scopes=[Scope.incidents_read, Scope.evidence_read])
    assert client.get(url, headers=client_headers).json()["allowedActions"] == ["exportDossier"]
