"""The legal pack's handling rules on actions: in Denmark the leader records the handling, the injured
employees file the police report (together if several) with the leader's help, only the leader talks to
the offender, aftercare and help contacts come from the pack; in the Netherlands managers stay readers."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, select

from app.jobs.models import Job
from tests.fixtures.factories import Tenant, add_member, make_tenant
from tests.fixtures.handling import later, make_incident, patch

ROLES = ("employee", "manager", "case_handler")


@pytest.fixture
def dk(engine: Any) -> Tenant:
    """A Danish municipality with an employee, a second employee, a manager and a case handler."""
    tenant = make_tenant(engine, slug="silkeborg", country="DK", roles=ROLES)
    add_member(engine, tenant, key="colleague", roles=["employee"])
    return tenant


def _affected(tenant: Tenant, *keys: str) -> list[dict[str, str]]:
    return [{"name": key.title(), "userId": str(tenant[key].user_id)} for key in keys]


def _action(client: Any, incident: dict[str, Any], member: Any, **body: Any) -> Any:
    return client.post(f"/api/v1/incidents/{incident['id']}/actions", json=body, headers=member.headers)


def test_a_danish_leader_records_the_handling_as_the_guideline_has_it(client, engine, dk):
    incident = make_incident(
        client,
        dk["employee"],
        affectedEmployees=_affected(dk, "employee", "colleague"),
        behaviours=["threat"],
    )
    allowed = client.get(f"/api/v1/incidents/{incident['id']}", headers=dk["manager"].headers).json()
    assert {"addAction", "addTakedown"} <= set(allowed["allowedActions"])
    assert "waiveAction" not in allowed["allowedActions"]

    # The leader talks to the offender, warns of a police report; an employee may not be the one.
    talk = _action(
        client, incident, dk["manager"], kind="offender_contact", channel="phone", policeWarning=True,
        assigneeId=str(dk["manager"].user_id),
    )  # fmt: skip
    assert talk.status_code == 201, talk.text
    assert talk.json()["policeWarning"] is True
    refused = _action(
        client, incident, dk["manager"], kind="offender_contact", assigneeId=str(dk["employee"].user_id)
    )
    assert refused.status_code == 400
    assert "may_not_contact_offender" in refused.text

    # One collective police report of two employees, filed with the leader's help.
    report = _action(client, incident, dk["manager"], kind="police_report")
    assert report.status_code == 201, report.text
    report_id = report.json()["id"]
    done = patch(
        client, f"/api/v1/actions/{report_id}", {"status": "done", "policeReference": "3700-80000-00001-26",
        "reportedAt": "2026-03-03T10:00:00Z"}, dk["manager"],
    )  # fmt: skip
    assert done.status_code == 400 and "filedBy" in done.text  # the injured employee files (DK)
    stranger = patch(
        client, f"/api/v1/actions/{report_id}", {"filedBy": [{"name": "Somebody Else"}]}, dk["manager"]
    )
    assert stranger.status_code == 400 and "not_affected_employee" in stranger.text
    filed = patch(
        client,
        f"/api/v1/actions/{report_id}",
        {
            "status": "done",
            "policeReference": "3700-80000-00001-26",
            "reportedAt": "2026-03-03T10:00:00Z",
            "filedBy": [{"userId": str(dk["employee"].user_id)}, {"name": "colleague"}],
            "helpedBy": str(dk["manager"].user_id),
        },
        dk["manager"],
    )
    assert filed.status_code == 200, filed.text
    body = filed.json()
    assert [f["name"] for f in body["filedBy"]] == ["Employee", "Colleague"]
    assert body["filedBy"][1]["userId"] == str(dk["colleague"].user_id)
    assert body["helpedBy"] == str(dk["manager"].user_id)

    # A time-limited contact ban is due at its end, so the reminder comes before it ends.
    ban = _action(
        client, incident, dk["manager"], kind="contact_restriction", restrictionForm="no_phone_contact",
        startsAt=later(days=1), endsAt=later(days=60),
    )  # fmt: skip
    assert ban.status_code == 201, ban.text
    assert ban.json()["dueAt"] == ban.json()["endsAt"]
    with Session(engine) as session:
        jobs = session.exec(select(Job).where(Job.kind == "action.reminder")).all()
        assert any(j.payload["actionId"] == ban.json()["id"] for j in jobs)
    moved = patch(client, f"/api/v1/actions/{ban.json()['id']}", {"endsAt": later(days=30)}, dk["manager"])
    assert moved.status_code == 200 and moved.json()["dueAt"] == moved.json()["endsAt"]

    # Aftercare and help contacts come from the pack.
    crisis = _action(client, incident, dk["manager"], kind="aftercare_offer", aftercareStep="hr_crisis_line")
    assert crisis.status_code == 201, crisis.text
    unknown = _action(client, incident, dk["manager"], kind="aftercare_offer", aftercareStep="massage")
    assert unknown.status_code == 400 and "not_in_pack" in unknown.text
    assert _action(client, incident, dk["manager"], kind="aftercare_offer").status_code == 400
    jura = _action(client, incident, dk["manager"], kind="consultation", consulted="jura")
    assert jura.status_code == 201 and jura.json()["consulted"] == "jura"
    analysis = _action(client, incident, dk["manager"], kind="work_environment_analysis")
    assert analysis.status_code == 201
    undecided = patch(client, f"/api/v1/actions/{analysis.json()['id']}", {"status": "done"}, dk["manager"])
    assert undecided.status_code == 400 and "preventionDecision" in undecided.text
    decided = patch(
        client, f"/api/v1/actions/{analysis.json()['id']}",
        {"status": "done", "preventionDecision": "Fornavne på navneskilte"}, dk["manager"],
    )  # fmt: skip
    assert decided.status_code == 200 and decided.json()["preventionDecision"] == "Fornavne på navneskilte"

    # The pack carries the rules with their sources.
    pack = client.get("/api/v1/legal-packs/dk", headers=dk["manager"].headers).json()
    assert pack["handling"]["policeReportFiling"]["filedBy"] == "injured_employee"
    assert pack["handling"]["offenderContact"]["roles"] == ["manager"]
    assert {c["code"] for c in pack["handling"]["helpContacts"]} >= {"hr_crisis_line", "jura"}
    assert all(item["source"]["section"] for item in pack["handling"]["leaderChecklist"])


def test_need_to_know_holds_for_a_danish_leader(client, engine, dk):
    secret = make_incident(client, dk["case_handler"], confidentiality="strictly_confidential")
    assert _action(client, secret, dk["manager"], kind="debriefing").status_code == 404


def test_a_dutch_manager_still_only_reads_the_handling(client, org):
    incident = make_incident(client, org["employee"])
    response = _action(client, incident, org["manager"], kind="consultation")
    assert response.status_code == 403
    allowed = client.get(f"/api/v1/incidents/{incident['id']}", headers=org["manager"].headers).json()
    assert "addAction" not in allowed["allowedActions"]
    takedown = client.post(
        f"/api/v1/incidents/{incident['id']}/takedown-requests",
        json={"recipientKind": "sender", "recipient": "X", "urls": ["https://example.org/p/1"]},
        headers=org["manager"].headers,
    )
    assert takedown.status_code == 403
    # The organisation files in the Netherlands: a report without filers can be done.
    report = _action(client, incident, org["case_handler"], kind="police_report")
    done = patch(
        client, f"/api/v1/actions/{report.json()['id']}", {"status": "done", "policeReference": "PL09-1",
        "reportedAt": "2026-03-03T10:00:00Z"}, org["case_handler"],
    )  # fmt: skip
    assert done.status_code == 200, done.text
