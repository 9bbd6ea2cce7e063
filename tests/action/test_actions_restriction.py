"""Contact restrictions carry their form; every refusal of an action names a specific code."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from app.action.models import RestrictionForm
from app.audit.models import AuditEvent
from tests.fixtures.handling import later, make_incident, patch


def _create(client, incident, member, **body):
    return client.post(f"/api/v1/incidents/{incident['id']}/actions", json=body, headers=member.headers)


def _codes(response) -> dict[str, str]:
    assert response.status_code == 400, response.text
    return {e["name"]: e["code"] for e in response.json()["errors"]}


@pytest.mark.parametrize("form", [f.value for f in RestrictionForm])
def test_contact_restriction_keeps_its_form_and_details(client, org, form):
    incident = make_incident(client, org["case_handler"])
    response = _create(
        client,
        incident,
        org["case_handler"],
        kind="contact_restriction",
        restrictionForm=form,
        restrictionDetails="Tuesdays 9:00-12:00 by phone",
        startsAt=later(days=1),
        endsAt=later(days=90),
    )
    assert response.status_code == 201, response.text
    got = client.get(f"/api/v1/actions/{response.json()['id']}", headers=org["case_handler"].headers).json()
    assert got["restrictionForm"] == form
    assert got["restrictionDetails"] == "Tuesdays 9:00-12:00 by phone"
    assert got["warningCodes"] == []


def test_contact_restriction_without_form_or_period_names_each_field(client, org):
    incident = make_incident(client, org["case_handler"])
    codes = _codes(_create(client, incident, org["case_handler"], kind="contact_restriction"))
    assert codes == {"restrictionForm": "required", "startsAt": "required", "endsAt": "required"}
    bad_form = _create(
        client,
        incident,
        org["case_handler"],
        kind="contact_restriction",
        restrictionForm="carrier_pigeon",
        startsAt=later(days=1),
        endsAt=later(days=2),
    )
    assert bad_form.status_code == 400
    assert bad_form.json()["errors"][0]["name"] == "restrictionForm"


def test_restriction_fields_are_not_applicable_to_other_kinds(client, org):
    incident = make_incident(client, org["case_handler"])
    codes = _codes(
        _create(
            client,
            incident,
            org["case_handler"],
            kind="sanction",
            suspendedService="Counter visits",
            startsAt=later(days=1),
            endsAt=later(days=2),
            restrictionForm="no_contact",
            restrictionDetails="x",
        )
    )
    assert codes == {"restrictionForm": "not_applicable", "restrictionDetails": "not_applicable"}


def test_every_refusal_has_a_specific_code(client, org, engine):
    incident = make_incident(client, org["case_handler"])
    codes = _codes(
        _create(
            client,
            incident,
            org["case_handler"],
            kind="sanction",
            suspendedService="Benefit payments at the counter",
            startsAt=later(days=10),
            endsAt=later(days=5),
            dueAt="2020-01-01T00:00:00Z",
            assigneeId="00000000-0000-0000-0000-000000000001",
        )
    )
    assert codes == {"endsAt": "not_after_start", "dueAt": "in_past", "assigneeId": "unknown_user"}
    sanction = _create(
        client,
        incident,
        org["case_handler"],
        kind="sanction",
        suspendedService="Benefit payments at the counter",
        startsAt=later(days=1),
        endsAt=later(days=30),
    ).json()
    url = f"/api/v1/actions/{sanction['id']}"
    assert _codes(patch(client, url, {"status": "waived"}, org["case_handler"])) == {
        "waiverReason": "required"
    }
    assert _codes(patch(client, url, {"waiverReason": "no"}, org["case_handler"]))["waiverReason"] in {
        "only_when_waived",
        "string_too_short",
    }
    assert _codes(patch(client, url, {"waiverReason": "not needed"}, org["case_handler"])) == {
        "waiverReason": "only_when_waived"
    }
    assert _codes(patch(client, url, {"doneAt": "2026-01-01T00:00:00Z"}, org["case_handler"])) == {
        "doneAt": "only_when_done"
    }
    assert _codes(patch(client, url, {"description": None}, org["case_handler"])) == {
        "description": "not_nullable"
    }
    police = _create(client, incident, org["case_handler"], kind="police_report").json()
    done = patch(client, f"/api/v1/actions/{police['id']}", {"status": "done"}, org["case_handler"])
    assert _codes(done) == {"policeReference": "required", "reportedAt": "required"}
    waived = patch(
        client, url, {"status": "waived", "waiverReason": "The sender apologised"}, org["case_handler"]
    )
    assert waived.status_code == 200
    again = patch(client, url, {"status": "done"}, org["case_handler"])
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "not_allowed_now"
    with Session(engine) as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "action.waive")).one()


def test_restriction_form_can_be_changed_and_is_audited(client, org, engine):
    incident = make_incident(client, org["case_handler"])
    action = _create(
        client,
        incident,
        org["case_handler"],
        kind="contact_restriction",
        restrictionForm="no_contact",
        startsAt=later(days=1),
        endsAt=later(days=30),
    ).json()
    url = f"/api/v1/actions/{action['id']}"
    changed = patch(
        client,
        url,
        {"restrictionForm": "limited_hours", "restrictionDetails": "Mon 9-11"},
        org["case_handler"],
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["restrictionForm"] == "limited_hours"
    with Session(engine) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "action.update")).all()
        assert any("restrictionForm" in e.details["fields"] for e in events)
