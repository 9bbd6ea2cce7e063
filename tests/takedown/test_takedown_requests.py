"""Takedown requests: DSA fields, the status workflow, escalation, and the order of handling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.auth.actor import Scope
from app.takedown.models import TakedownRequest
from tests.fixtures.factories import make_api_client
from tests.fixtures.handling import PLATFORM_NOTICE, add_evidence, make_incident, patch, set_column

SENDER = {"recipientKind": "sender", "recipientName": "J. Jansen", "urls": ["https://x.com/jansen/status/1"]}


def _create(client, incident, member, body):
    return client.post(
        f"/api/v1/incidents/{incident['id']}/takedown-requests", json=body, headers=member.headers
    )


def _secure(client, org, incident, urls):
    for seed, url in enumerate(urls):
        add_evidence(client, org["case_handler"], incident_id=incident["id"], url=url, seed=seed)


def _ready(client, org, body=None, **incident_fields):
    """An incident and a draft request whose URLs all have evidence."""
    incident = make_incident(client, org["case_handler"], **incident_fields)
    body = body or PLATFORM_NOTICE
    _secure(client, org, incident, body["urls"])
    created = _create(client, incident, org["case_handler"], body)
    assert created.status_code == 201, created.text
    return incident, created.json(), f"/api/v1/takedown-requests/{created.json()['id']}"


def test_platform_notice_with_dsa_fields_is_drafted(client, org):
    incident = make_incident(client, org["case_handler"])
    response = _create(client, incident, org["case_handler"], PLATFORM_NOTICE)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "draft"
    assert body["goodFaith"] is True
    assert body["sentAt"] is None and body["dueAt"] is None
    assert response.headers["Location"] == f"/api/v1/takedown-requests/{body['id']}"
    listed = client.get(
        f"/api/v1/incidents/{incident['id']}/takedown-requests", headers=org["case_handler"].headers
    )
    assert [r["id"] for r in listed.json()["items"]] == [body["id"]]


@pytest.mark.parametrize(
    ("change", "names"),
    [
        ({"recipientKind": "newspaper"}, {"recipientKind"}),
        ({"urls": []}, {"urls"}),
        ({"urls": None}, {"urls"}),
        ({"urls": ["ftp://example.org/file"]}, {"urls/0"}),
        ({"urls": ["javascript:alert(1)"]}, {"urls/0"}),
        ({"illegalityExplanation": None}, {"illegalityExplanation"}),
        ({"notifierEmail": "not-an-address"}, {"notifierEmail"}),
        ({"goodFaith": False}, {"goodFaith"}),
        ({"notifierName": None, "notifierEmail": None}, {"notifierName", "notifierEmail"}),
        ({"recipientName": ""}, {"recipientName"}),
    ],
)
def test_bad_takedown_input_is_a_400_and_nothing_is_written(client, org, engine, change, names):
    incident = make_incident(client, org["case_handler"])
    body = {k: v for k, v in {**PLATFORM_NOTICE, **change}.items() if v is not None}
    response = _create(client, incident, org["case_handler"], body)
    assert response.status_code == 400, response.text
    assert {e["name"] for e in response.json()["errors"]} == names
    with Session(engine) as session:
        assert session.exec(select(TakedownRequest)).all() == []


def test_a_request_to_the_sender_needs_no_dsa_fields(client, org):
    incident = make_incident(client, org["case_handler"])
    assert _create(client, incident, org["case_handler"], SENDER).status_code == 201


def test_sending_is_refused_until_every_url_has_evidence(client, org, engine):
    incident = make_incident(client, org["case_handler"])
    created = _create(client, incident, org["case_handler"], PLATFORM_NOTICE).json()
    url = f"/api/v1/takedown-requests/{created['id']}"
    add_evidence(client, org["case_handler"], incident_id=incident["id"], url=PLATFORM_NOTICE["urls"][0])
    refused = patch(client, url, {"status": "sent"}, org["case_handler"])
    assert refused.status_code == 409
    problem = refused.json()
    assert refused.headers["content-type"] == "application/problem+json"
    assert problem["type"].endswith("handling-order")
    assert problem["errors"] == [
        {
            "in": "body",
            "name": "urls/1",
            "code": "evidence-missing",
            "detail": "no evidence for https://facebook.com/posts/2: link an evidence item to this request, "
            "or secure one with this source URL, before asking for removal",
        }
    ]
    assert client.get(url, headers=org["case_handler"].headers).json()["status"] == "draft"
    add_evidence(
        client, org["case_handler"], incident_id=incident["id"], url=PLATFORM_NOTICE["urls"][1], seed=5
    )
    sent = patch(client, url, {"status": "sent"}, org["case_handler"])
    assert sent.status_code == 200, sent.text
    body = sent.json()
    assert body["status"] == "sent"
    due = datetime.fromisoformat(body["dueAt"]) - datetime.fromisoformat(body["sentAt"])
    assert due == timedelta(days=7)


def test_evidence_of_another_incident_does_not_count(client, org):
    incident = make_incident(client, org["case_handler"])
    other = make_incident(client, org["case_handler"])
    _secure(client, org, other, SENDER["urls"])
    created = _create(client, incident, org["case_handler"], SENDER).json()
    refused = patch(
        client, f"/api/v1/takedown-requests/{created['id']}", {"status": "sent"}, org["case_handler"]
    )
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["name"] == "urls/0"


def test_death_threat_blocks_sending_until_police_report_done_or_waived(client, org, engine):
    incident, _created, url = _ready(client, org, SENDER, behaviours=["death_threat"])
    refused = patch(client, url, {"status": "sent"}, org["case_handler"])
    assert refused.status_code == 409
    [error] = refused.json()["errors"]
    assert error["name"] == "policeReport"
    assert error["code"] == "police-report-pending"
    actions = client.get(f"/api/v1/incidents/{incident['id']}/actions", headers=org["case_handler"].headers)
    [police] = actions.json()["items"]
    action_url = f"/api/v1/actions/{police['id']}"
    assert police["id"] in error["detail"]
    done = patch(
        client,
        action_url,
        {"status": "done", "policeReference": "PL-2026-1", "reportedAt": "2026-03-03T10:00:00Z"},
        org["case_handler"],
    )
    assert done.status_code == 200
    assert patch(client, url, {"status": "sent"}, org["case_handler"]).status_code == 200


def test_waived_police_report_lets_the_request_be_sent(client, org):
    incident, _created, url = _ready(client, org, SENDER, behaviours=["death_threat"])
    police = client.get(
        f"/api/v1/incidents/{incident['id']}/actions", headers=org["case_handler"].headers
    ).json()
    action_url = f"/api/v1/actions/{police['items'][0]['id']}"
    waived = patch(
        client, action_url, {"status": "waived", "waiverReason": "Reported by the employee"}, org["legal"]
    )
    assert waived.status_code == 200
    assert patch(client, url, {"status": "sent"}, org["case_handler"]).status_code == 200


def test_refusal_lists_every_missing_prerequisite_at_once(client, org):
    incident = make_incident(client, org["case_handler"], behaviours=["death_threat"])
    created = _create(client, incident, org["case_handler"], PLATFORM_NOTICE).json()
    refused = patch(
        client, f"/api/v1/takedown-requests/{created['id']}", {"status": "sent"}, org["case_handler"]
    )
    assert refused.status_code == 409
    assert [e["name"] for e in refused.json()["errors"]] == ["urls/0", "urls/1", "policeReport"]
    assert "3 prerequisite(s) missing" in refused.json()["detail"]


def test_workflow_transitions_and_invalid_ones_are_409(client, org):
    _incident, _created, url = _ready(client, org)
    for bad in ("acknowledged", "removed", "escalated", "refused"):
        response = patch(client, url, {"status": bad}, org["case_handler"])
        assert response.status_code == 409, bad
        assert response.json()["type"].endswith("invalid-state")
    assert patch(client, url, {"status": "sent"}, org["case_handler"]).status_code == 200
    assert patch(client, url, {"status": "draft"}, org["case_handler"]).status_code == 409
    edit = patch(client, url, {"recipientName": "Someone else"}, org["case_handler"])
    assert edit.status_code == 409
    assert edit.json()["errors"][0]["name"] == "recipientName"
    ack = patch(client, url, {"status": "acknowledged", "response": "Ticket 123"}, org["case_handler"])
    assert ack.status_code == 200
    assert ack.json()["respondedAt"] is not None
    removed = patch(client, url, {"status": "removed", "response": "Removed"}, org["case_handler"])
    assert removed.status_code == 200
    assert removed.json()["response"] == "Removed"
    final = patch(client, url, {"status": "withdrawn"}, org["case_handler"])
    assert final.status_code == 409
    assert "none (final)" in final.json()["detail"]


def test_no_response_only_after_the_due_date(client, org, engine):
    _incident, created, url = _ready(client, org)
    patch(client, url, {"status": "sent"}, org["case_handler"])
    early = patch(client, url, {"status": "no_response"}, org["case_handler"])
    assert early.status_code == 409
    set_column(engine, "takedown_request", created["id"], due_at=datetime.now(UTC) - timedelta(hours=1))
    assert patch(client, url, {"status": "no_response"}, org["case_handler"]).status_code == 200


def test_platform_refusal_escalates_to_the_dpa_and_then_to_court(client, org, engine):
    incident, created, url = _ready(client, org)
    patch(client, url, {"status": "sent"}, org["case_handler"])
    patch(client, url, {"status": "refused", "response": "Not against our terms"}, org["case_handler"])
    escalated = patch(client, url, {"status": "escalated"}, org["case_handler"])
    assert escalated.status_code == 200, escalated.text
    dpa_id = escalated.json()["escalatedToId"]
    dpa = client.get(f"/api/v1/takedown-requests/{dpa_id}", headers=org["case_handler"].headers).json()
    assert dpa["recipientKind"] == "data_protection_authority"
    assert dpa["recipientName"] == "Autoriteit Persoonsgegevens"
    assert dpa["status"] == "draft"
    assert dpa["escalatedFromId"] == created["id"]
    assert dpa["urls"] == PLATFORM_NOTICE["urls"]
    dpa_url = f"/api/v1/takedown-requests/{dpa_id}"
    patch(client, dpa_url, {"status": "sent"}, org["case_handler"])
    patch(client, dpa_url, {"status": "refused"}, org["case_handler"])
    court_id = patch(client, dpa_url, {"status": "escalated"}, org["case_handler"]).json()["escalatedToId"]
    court_url = f"/api/v1/takedown-requests/{court_id}"
    court = client.get(court_url, headers=org["case_handler"].headers).json()
    assert court["recipientKind"] == "court"
    patch(client, court_url, {"status": "sent"}, org["case_handler"])
    patch(client, court_url, {"status": "refused"}, org["case_handler"])
    last = patch(client, court_url, {"status": "escalated"}, org["case_handler"])
    assert last.status_code == 409
    with Session(engine) as session:
        assert len(session.exec(select(TakedownRequest)).all()) == 3
    listed = client.get(
        f"/api/v1/incidents/{incident['id']}/takedown-requests", headers=org["case_handler"].headers
    )
    assert [r["recipientKind"] for r in listed.json()["items"]] == [
        "platform",
        "data_protection_authority",
        "court",
    ]


def test_draft_edits_are_validated(client, org):
    _incident, _created, url = _ready(client, org)
    bad = patch(client, url, {"urls": ["mailto:x@example.org"], "goodFaith": None}, org["case_handler"])
    assert bad.status_code == 400
    assert {e["name"] for e in bad.json()["errors"]} >= {"urls/0"}
    stray = patch(client, url, {"sentAt": "2026-01-01T00:00:00Z"}, org["case_handler"])
    assert stray.status_code == 400
    ok = patch(client, url, {"recipientName": "Meta Ireland", "legalGround": "Sr 285"}, org["case_handler"])
    assert ok.status_code == 200
    assert ok.json()["recipientName"] == "Meta Ireland"


def test_takedown_update_needs_if_match(client, org):
    _incident, _created, url = _ready(client, org)
    assert client.patch(url, json={"status": "sent"}, headers=org["case_handler"].headers).status_code == 428
    stale = client.patch(
        url, json={"status": "sent"}, headers={**org["case_handler"].headers, "If-Match": '"4"'}
    )
    assert stale.status_code == 412


def test_takedown_requests_are_isolated_and_need_a_role_or_scope(client, org, other_org, engine):
    incident, _created, url = _ready(client, org)
    assert client.get(url, headers=other_org["case_handler"].headers).status_code == 404
    assert _create(client, incident, other_org["case_handler"], SENDER).status_code == 404
    assert client.get(url, headers=org["employee"].headers).status_code == 403
    assert client.get(url, headers=org["manager"].headers).status_code == 200
    assert _create(client, incident, org["manager"], SENDER).status_code == 403
    reader = make_api_client(engine, org, scopes=[Scope.incidents_read, Scope.takedowns_read])
    assert client.get(url, headers=reader).status_code == 200
    response = client.post(
        f"/api/v1/incidents/{incident['id']}/takedown-requests", json=SENDER, headers=reader
    )
    assert response.status_code == 403


def test_every_takedown_change_is_audited(client, org, engine):
    _incident, created, url = _ready(client, org)
    patch(client, url, {"status": "sent"}, org["case_handler"])
    with Session(engine) as session:
        actions = [
            e.action
            for e in session.exec(select(AuditEvent).where(AuditEvent.object_id == created["id"])).all()
        ]
    assert actions == ["takedown.create", "takedown.sent"]


def test_a_case_handler_takes_an_incident_from_registration_to_removed_in_order(client, org):
    """The protocol's order: register, consult, evidence, police report, request removal, removed."""
    handler = org["case_handler"]
    incident = make_incident(client, org["employee"], behaviours=["death_threat"], urls=SENDER["urls"])
    base = f"/api/v1/incidents/{incident['id']}"
    consult = client.post(f"{base}/actions", json={"kind": "consultation"}, headers=handler.headers).json()
    patch(client, f"/api/v1/actions/{consult['id']}", {"status": "done", "outcome": "Agreed"}, handler)
    request = _create(client, incident, handler, SENDER).json()
    url = f"/api/v1/takedown-requests/{request['id']}"
    first = patch(client, url, {"status": "sent"}, handler)
    assert first.status_code == 409
    assert {e["code"] for e in first.json()["errors"]} == {"evidence-missing", "police-report-pending"}
    _secure(client, org, incident, SENDER["urls"])
    police = next(
        a
        for a in client.get(f"{base}/actions", headers=handler.headers).json()["items"]
        if a["kind"] == "police_report"
    )
    patch(
        client,
        f"/api/v1/actions/{police['id']}",
        {"status": "done", "policeReference": "PL-1", "reportedAt": "2026-03-03T10:00:00Z"},
        handler,
    )
    assert patch(client, url, {"status": "sent"}, handler).status_code == 200
    assert patch(client, url, {"status": "removed"}, handler).json()["status"] == "removed"


def test_removed_evidence_no_longer_counts(client, org, engine):
    incident = make_incident(client, org["case_handler"])
    evidence_id = add_evidence(client, org["case_handler"], incident_id=incident["id"], url=SENDER["urls"][0])
    set_column(engine, "evidence", evidence_id, removed_at=datetime.now(UTC))
    created = _create(client, incident, org["case_handler"], SENDER).json()
    refused = patch(
        client, f"/api/v1/takedown-requests/{created['id']}", {"status": "sent"}, org["case_handler"]
    )
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["code"] == "evidence-missing"


def test_refused_sender_escalates_to_a_platform_draft_that_needs_dsa_fields(client, other_org):
    incident, _created, url = _ready(client, other_org, SENDER)
    patch(client, url, {"status": "sent"}, other_org["case_handler"])
    patch(client, url, {"status": "refused"}, other_org["case_handler"])
    platform_id = patch(client, url, {"status": "escalated"}, other_org["case_handler"]).json()[
        "escalatedToId"
    ]
    platform_url = f"/api/v1/takedown-requests/{platform_id}"
    draft = client.get(platform_url, headers=other_org["case_handler"].headers).json()
    assert draft["recipientKind"] == "platform"
    assert draft["recipientName"] == "(to be completed)"
    refused = patch(client, platform_url, {"status": "sent"}, other_org["case_handler"])
    assert refused.status_code == 409
    assert {e["name"] for e in refused.json()["errors"]} == {
        "illegalityExplanation",
        "notifierName",
        "notifierEmail",
        "goodFaith",
    }
    completed = patch(
        client,
        platform_url,
        {
            k: PLATFORM_NOTICE[k]
            for k in ("recipientName", "illegalityExplanation", "notifierName", "notifierEmail")
        }
        | {"goodFaith": True},
        other_org["case_handler"],
    )
    assert completed.status_code == 200, completed.text
    assert patch(client, platform_url, {"status": "sent"}, other_org["case_handler"]).status_code == 200
    patch(client, platform_url, {"status": "refused"}, other_org["case_handler"])
    dpa_id = patch(client, platform_url, {"status": "escalated"}, other_org["case_handler"]).json()[
        "escalatedToId"
    ]
    dpa = client.get(f"/api/v1/takedown-requests/{dpa_id}", headers=other_org["case_handler"].headers).json()
    assert dpa["recipientName"] == "Datatilsynet"
    assert dpa["dueAt"] is None
    assert incident["id"] == dpa["incidentId"]
