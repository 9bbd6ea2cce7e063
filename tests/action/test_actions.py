"""Actions: kinds and their fields, assignees, due dates, done and waived, lists and reminders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app.action.models import Action, HandlingNotification
from app.audit.models import AuditEvent
from app.auth.actor import Scope
from app.jobs import service as jobs
from app.jobs.models import Job
from tests.fixtures.factories import make_api_client
from tests.fixtures.handling import later, make_incident, patch, set_column


def _create(client, incident, member, **body):
    return client.post(f"/api/v1/incidents/{incident['id']}/actions", json=body, headers=member.headers)


def test_create_consultation_with_assignee_and_due_date(client, org):
    incident = make_incident(client, org["employee"])
    response = _create(
        client,
        incident,
        org["case_handler"],
        kind="consultation",
        description="Employee, manager, officer",
        assigneeId=str(org["manager"].user_id),
        dueAt=later(days=2),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["kind"] == "consultation"
    assert body["status"] == "open"
    assert body["assigneeId"] == str(org["manager"].user_id)
    assert response.headers["Location"] == f"/api/v1/actions/{body['id']}"
    assert response.headers["ETag"] == '"1"'
    got = client.get(f"/api/v1/actions/{body['id']}", headers=org["case_handler"].headers)
    assert got.status_code == 200
    assert got.json()["description"] == "Employee, manager, officer"


@pytest.mark.parametrize(
    "kind",
    [
        "consultation",
        "incident_conversation",
        "correction",
        "summons",
        "summary_proceedings",
        "civil_claim",
        "aftercare_conversation",
        "debriefing",
        "work_injury_report",
        "police_report",
    ],
)
def test_every_plain_kind_can_be_created(client, org, kind):
    incident = make_incident(client, org["case_handler"])
    assert _create(client, incident, org["case_handler"], kind=kind).status_code == 201


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ({"kind": "phone_call"}, {"kind"}),
        ({"kind": "consultation", "dueAt": "2020-01-01T00:00:00Z"}, {"dueAt"}),
        ({"kind": "consultation", "dueAt": "2030-01-01T00:00:00"}, {"dueAt"}),
        ({"kind": "response_sent"}, {"channel"}),
        ({"kind": "response_sent", "channel": "pigeon"}, {"channel"}),
        (
            {
                "kind": "sanction",
                "startsAt": "2030-02-01T00:00:00Z",
                "endsAt": "2030-01-01T00:00:00Z",
                "suspendedService": "Counter visits",
            },
            {"endsAt"},
        ),
        ({"kind": "sanction", "startsAt": "2030-02-01T00:00:00Z"}, {"suspendedService", "endsAt"}),
        ({"kind": "contact_restriction", "startsAt": "2030-01-01T00:00:00Z"}, {"endsAt", "restrictionForm"}),
        (
            {
                "kind": "contact_restriction",
                "restrictionForm": "no_contact",
                "startsAt": "2030-01-01T00:00:00Z",
                "endsAt": "2030-01-01T00:00:00Z",
            },
            {"endsAt"},
        ),
        (
            {"kind": "consultation", "channel": "email", "policeReference": "PL-1"},
            {"channel", "policeReference"},
        ),
        ({"kind": "police_report", "reportedAt": "2099-01-01T00:00:00Z"}, {"reportedAt"}),
        ({"kind": "consultation", "assigneeId": "00000000-0000-0000-0000-000000000001"}, {"assigneeId"}),
        ({"kind": "consultation", "unknown": 1}, {"unknown"}),
    ],
)
def test_bad_action_input_is_a_400_and_nothing_is_written(client, org, engine, body, names):
    incident = make_incident(client, org["case_handler"])
    response = _create(client, incident, org["case_handler"], **body)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert {e["name"] for e in response.json()["errors"]} == names
    with Session(engine) as session:
        assert session.exec(select(Action)).all() == []


def test_assignee_of_another_organisation_is_refused(client, org, other_org):
    incident = make_incident(client, org["case_handler"])
    response = _create(
        client,
        incident,
        org["case_handler"],
        kind="consultation",
        assigneeId=str(other_org["case_handler"].user_id),
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["name"] == "assigneeId"


def test_sanction_and_contact_restriction_carry_their_period(client, org):
    incident = make_incident(client, org["case_handler"])
    sanction = _create(
        client,
        incident,
        org["case_handler"],
        kind="sanction",
        suspendedService="Counter visits",
        startsAt="2030-01-01T00:00:00Z",
        endsAt="2030-03-01T00:00:00Z",
    )
    assert sanction.status_code == 201, sanction.text
    assert sanction.json()["suspendedService"] == "Counter visits"
    restriction = _create(
        client,
        incident,
        org["case_handler"],
        kind="contact_restriction",
        restrictionForm="phone_only",
        startsAt="2030-01-01T00:00:00+01:00",
        endsAt="2030-06-01T00:00:00Z",
    )
    assert restriction.status_code == 201
    assert restriction.json()["startsAt"] == "2029-12-31T23:00:00Z"
    url = f"/api/v1/actions/{sanction.json()['id']}"
    bad = patch(client, url, {"endsAt": "2029-12-01T00:00:00Z"}, org["case_handler"])
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["name"] == "endsAt"


def test_response_on_the_same_channel_gives_a_warning(client, org):
    email_incident = make_incident(client, org["case_handler"], platform="email")
    same = _create(client, email_incident, org["case_handler"], kind="response_sent", channel="email")
    assert same.status_code == 201
    assert same.json()["warnings"][0].startswith("same_channel")
    assert same.json()["warningCodes"] == ["same_channel"]
    platform = _create(
        client,
        make_incident(client, org["case_handler"]),
        org["case_handler"],
        kind="response_sent",
        channel="same_platform",
    )
    assert platform.json()["warnings"]
    other = _create(client, email_incident, org["case_handler"], kind="response_sent", channel="letter")
    assert other.json()["warnings"] == []


def test_police_report_needs_reference_and_date_to_be_done(client, org, engine):
    incident = make_incident(client, org["case_handler"])
    action = _create(client, incident, org["case_handler"], kind="police_report").json()
    url = f"/api/v1/actions/{action['id']}"
    missing = patch(client, url, {"status": "done"}, org["case_handler"])
    assert missing.status_code == 400
    assert {e["name"] for e in missing.json()["errors"]} == {"policeReference", "reportedAt"}
    done = patch(
        client,
        url,
        {
            "status": "done",
            "policeReference": "PL0900-2026123456",
            "reportedAt": "2026-03-03T10:00:00Z",
            "outcome": "Report taken",
        },
        org["case_handler"],
    )
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["status"] == "done"
    assert body["doneAt"] is not None
    assert body["policeReference"] == "PL0900-2026123456"
    assert done.headers["ETag"] == '"2"'


def test_update_needs_if_match(client, org):
    incident = make_incident(client, org["case_handler"])
    action = _create(client, incident, org["case_handler"], kind="consultation").json()
    url = f"/api/v1/actions/{action['id']}"
    assert client.patch(url, json={"outcome": "x"}, headers=org["case_handler"].headers).status_code == 428
    stale = client.patch(
        url, json={"outcome": "x"}, headers={**org["case_handler"].headers, "If-Match": '"9"'}
    )
    assert stale.status_code == 412


def test_waiver_needs_a_reason_and_a_coordinator_or_legal(client, org, engine):
    incident = make_incident(client, org["case_handler"])
    action = _create(client, incident, org["case_handler"], kind="police_report").json()
    url = f"/api/v1/actions/{action['id']}"
    no_reason = patch(client, url, {"status": "waived"}, org["case_handler"])
    assert no_reason.status_code == 400
    assert no_reason.json()["errors"][0]["name"] == "waiverReason"
    stray = patch(client, url, {"waiverReason": "because"}, org["case_handler"])
    assert stray.status_code == 400
    by_privacy = patch(
        client, url, {"status": "waived", "waiverReason": "Employee declines"}, org["privacy_officer"]
    )
    assert by_privacy.status_code == 403
    waived = patch(
        client, url, {"status": "waived", "waiverReason": "Employee declines to report"}, org["legal"]
    )
    assert waived.status_code == 200, waived.text
    body = waived.json()
    assert body["status"] == "waived"
    assert body["waivedBy"] == str(org["legal"].user_id)
    assert body["waiverReason"] == "Employee declines to report"
    with Session(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "action.waive")).one()
        assert event.details["waiverReason"] == "Employee declines to report"
        assert event.actor_id == str(org["legal"].user_id)


def test_status_transitions_out_of_order_are_a_409(client, org):
    incident = make_incident(client, org["case_handler"])
    action = _create(client, incident, org["case_handler"], kind="consultation").json()
    url = f"/api/v1/actions/{action['id']}"
    assert patch(client, url, {"status": "done"}, org["case_handler"]).status_code == 200
    response = patch(client, url, {"status": "waived", "waiverReason": "too late"}, org["case_handler"])
    assert response.status_code == 409
    assert response.json()["type"].endswith("invalid-state")
    reopened = patch(client, url, {"status": "open"}, org["case_handler"])
    assert reopened.status_code == 200
    assert reopened.json()["doneAt"] is None


def test_employees_cannot_read_or_write_actions(client, org):
    incident = make_incident(client, org["employee"])
    assert _create(client, incident, org["employee"], kind="consultation").status_code == 403
    assert (
        client.get(f"/api/v1/incidents/{incident['id']}/actions", headers=org["employee"].headers).status_code
        == 403
    )
    assert _create(client, incident, org["manager"], kind="consultation").status_code == 403
    assert (
        client.get(f"/api/v1/incidents/{incident['id']}/actions", headers=org["manager"].headers).status_code
        == 200
    )


def test_actions_of_another_organisation_are_not_found(client, org, other_org):
    theirs = make_incident(client, other_org["case_handler"])
    action = _create(client, theirs, other_org["case_handler"], kind="consultation").json()
    assert (
        client.get(f"/api/v1/actions/{action['id']}", headers=org["case_handler"].headers).status_code == 404
    )
    response = client.patch(
        f"/api/v1/actions/{action['id']}",
        json={"outcome": "x"},
        headers={**org["case_handler"].headers, "If-Match": '"1"'},
    )
    assert response.status_code == 404
    assert _create(client, theirs, org["case_handler"], kind="consultation").status_code == 404
    assert client.get("/api/v1/actions", headers=org["case_handler"].headers).json()["items"] == []


def test_api_client_needs_action_scopes(client, org, engine):
    incident = make_incident(client, org["case_handler"])
    reader = make_api_client(engine, org, scopes=[Scope.incidents_read, Scope.actions_read])
    writer = make_api_client(engine, org, scopes=[Scope.incidents_read, Scope.actions_write])
    url = f"/api/v1/incidents/{incident['id']}/actions"
    assert client.post(url, json={"kind": "consultation"}, headers=reader).status_code == 403
    assert client.post(url, json={"kind": "consultation"}, headers=writer).status_code == 201
    assert client.get(url, headers=reader).status_code == 200


def test_list_filters_by_assignee_due_before_and_open_with_pages(client, org):
    incident = make_incident(client, org["case_handler"])
    headers = org["case_handler"].headers
    mine = str(org["case_handler"].user_id)
    soon = _create(
        client, incident, org["case_handler"], kind="consultation", assigneeId=mine, dueAt=later(hours=5)
    )
    late = _create(
        client, incident, org["case_handler"], kind="debriefing", assigneeId=mine, dueAt=later(days=30)
    )
    other = _create(
        client, incident, org["case_handler"], kind="correction", assigneeId=str(org["legal"].user_id)
    )
    done = _create(client, incident, org["case_handler"], kind="summons", assigneeId=mine)
    patch(client, f"/api/v1/actions/{done.json()['id']}", {"status": "done"}, org["case_handler"])

    def ids(query):
        response = client.get(f"/api/v1/actions{query}", headers=headers)
        assert response.status_code == 200, response.text
        return {a["id"] for a in response.json()["items"]}

    assert ids(f"?assigneeId={mine}") == {soon.json()["id"], late.json()["id"], done.json()["id"]}
    assert ids(f"?assigneeId={mine}&open=true") == {soon.json()["id"], late.json()["id"]}
    assert ids("?open=false") == {done.json()["id"]}
    assert ids(f"?dueBefore={later(days=1)}") == {soon.json()["id"]}
    assert other.json()["id"] in ids("")
    seen, url, pages = [], "/api/v1/actions?limit=3", 0
    while url:
        page = client.get(url, headers=headers).json()
        seen += [a["id"] for a in page["items"]]
        url, pages = page["next"], pages + 1
    assert pages == 2 and len(seen) == len(set(seen)) == 4
    assert client.get("/api/v1/actions?dueBefore=tomorrow", headers=headers).status_code == 400
    assert client.get("/api/v1/actions?cursor=nonsense", headers=headers).status_code == 400


def test_reminder_job_notifies_the_assignee_before_the_due_date(client, org, engine):
    incident = make_incident(client, org["case_handler"])
    action = _create(
        client,
        incident,
        org["case_handler"],
        kind="consultation",
        assigneeId=str(org["manager"].user_id),
        dueAt=later(hours=30),
    ).json()
    with Session(engine) as session:
        job = session.exec(select(Job).where(Job.kind == "action.reminder")).one()
        assert job.payload["actionId"] == action["id"]
        expected = datetime.now(UTC) + timedelta(hours=6)
        assert abs((job.run_at - expected).total_seconds()) < 60
    set_column(engine, "job", str(job.id), run_at=datetime.now(UTC) - timedelta(seconds=1))
    assert jobs.run_one(engine, "test") is True
    with Session(engine) as session:
        [note] = session.exec(select(HandlingNotification)).all()
        assert note.user_id == org["manager"].user_id
        assert note.kind == "action_due"
        assert incident["reference"] in note.message
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "action.reminder")).one()
        assert session.get(Job, job.id).status == "done"


def test_reminder_is_skipped_for_done_or_rescheduled_actions(client, org, engine):
    incident = make_incident(client, org["case_handler"])
    action = _create(client, incident, org["case_handler"], kind="consultation", dueAt=later(hours=2)).json()
    url = f"/api/v1/actions/{action['id']}"
    patch(client, url, {"dueAt": later(days=3)}, org["case_handler"])
    with Session(engine) as session:
        _first, second = sorted(session.exec(select(Job)).all(), key=lambda j: j.run_at)
    jobs.run_one(engine, "test")  # the first job: its due date is no longer current
    with Session(engine) as session:
        assert session.exec(select(HandlingNotification)).all() == []
    patch(client, url, {"status": "done"}, org["case_handler"])
    set_column(engine, "job", str(second.id), run_at=datetime.now(UTC) - timedelta(seconds=1))
    jobs.run_one(engine, "test")
    with Session(engine) as session:
        assert session.exec(select(HandlingNotification)).all() == []


def test_reminder_without_assignee_goes_to_the_case_handler_or_all_coordinators(client, org, engine):
    # The case handler assigns it (an employee may not set a case handler when reporting).
    assigned = make_incident(client, org["case_handler"], caseHandlerId=str(org["legal"].user_id))
    unassigned = make_incident(client, org["employee"])
    for incident in (assigned, unassigned):
        _create(client, incident, org["case_handler"], kind="aftercare_conversation", dueAt=later(hours=1))
    while jobs.run_one(engine, "test"):
        pass
    with Session(engine) as session:
        notes = session.exec(select(HandlingNotification)).all()
    by_incident = {str(n.incident_id): n.user_id for n in notes}
    assert by_incident == {
        assigned["id"]: org["legal"].user_id,
        unassigned["id"]: org["case_handler"].user_id,
    }
