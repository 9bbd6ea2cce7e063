"""Witnesses, journal notes, the complaint step, tracing an unknown sender and the prolonged-frequency
signal through the API: need-to-know, field errors, audit events."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.auth.actor import Scope
from tests.fixtures.factories import make_api_client
from tests.fixtures.handling import later, make_incident, patch

BASE = "/api/v1/incidents"


def _codes(response: Any) -> dict[str, str]:
    return {e["name"]: e["code"] for e in response.json().get("errors", [])}


def _audit(engine: Any, action: str) -> int:
    with Session(engine) as session:
        return len(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_witnesses_and_journal_are_personal_data_on_a_need_to_know_basis(client, org, other_org, engine):
    employee, handler, manager = org["employee"], org["case_handler"], org["manager"]
    incident = make_incident(client, employee)
    witnesses, journal = f"{BASE}/{incident['id']}/witnesses", f"{BASE}/{incident['id']}/journal-entries"

    own = client.post(
        witnesses, json={"name": "Sanne de Vries", "phone": "06 12345678"}, headers=employee.headers
    )
    assert own.status_code == 201, own.text
    assert own.json()["phone"] == "06 12345678"
    theirs = client.post(
        witnesses,
        json={"name": "Karel Jansen", "phone": "+31 (0)30 123 4567", "statement": "Saw the post"},
        headers=handler.headers,
    )
    assert theirs.status_code == 201, theirs.text
    bad = client.post(witnesses, json={"name": "  ", "phone": "call me"}, headers=employee.headers)
    assert bad.status_code == 400
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert _codes(bad) == {"name": "blank", "phone": "invalid_phone"}

    # The employee sees every name but only the phone number they recorded themselves.
    seen = {w["name"]: w for w in client.get(witnesses, headers=employee.headers).json()["items"]}
    assert seen["Sanne de Vries"]["phone"] == "06 12345678"
    assert seen["Karel Jansen"]["phone"] is None and seen["Karel Jansen"]["phoneWithheld"] is True
    for member in (handler, manager):
        phones = {w["phone"] for w in client.get(witnesses, headers=member.headers).json()["items"]}
        assert phones == {"06 12345678", "+31 (0)30 123 4567"}
    integrator = make_api_client(engine, org, scopes=[Scope.incidents_read, Scope.incidents_write])
    assert client.get(witnesses, headers=integrator).status_code == 403
    assert client.get(witnesses, headers=other_org["case_handler"].headers).status_code == 404

    # Journal: written by the server's clock, read by handlers and managers, else one's own notes.
    mine = client.post(
        journal,
        json={"happenedAt": later(hours=-2), "what": "DM with a threat", "where": "Instagram", "who": "@x"},
        headers=employee.headers,
    )
    assert mine.status_code == 201, mine.text
    assert mine.json()["where"] == "Instagram" and mine.json()["writtenAt"]
    note = client.post(
        journal, json={"happenedAt": later(hours=-1), "what": "Called the employee"}, headers=handler.headers
    )
    assert note.status_code == 201
    future = client.post(journal, json={"happenedAt": later(days=1), "what": ""}, headers=employee.headers)
    assert future.status_code == 400 and set(_codes(future)) == {"happenedAt", "what"}
    foreign = client.post(
        journal,
        json={"happenedAt": later(hours=-1), "what": "Correction", "correctsId": note.json()["id"]},
        headers=employee.headers,
    )
    assert foreign.status_code == 400 and _codes(foreign) == {"correctsId": "unknown_entry"}
    fixed = client.post(
        journal,
        json={
            "happenedAt": later(hours=-2),
            "what": "DM with a death threat",
            "correctsId": mine.json()["id"],
        },
        headers=employee.headers,
    )
    assert fixed.status_code == 201 and fixed.json()["correctsId"] == mine.json()["id"]
    assert len(client.get(journal, headers=employee.headers).json()["items"]) == 2
    assert len(client.get(journal, headers=manager.headers).json()["items"]) == 3
    page = client.get(journal, params={"limit": 2}, headers=handler.headers).json()
    assert len(page["items"]) == 2 and page["next"]
    assert (
        client.post(
            journal, json={"happenedAt": later(hours=-1), "what": "x"}, headers=integrator
        ).status_code
        == 403
    )

    # Removing a witness: whoever recorded them or a handler; the audit keeps no name.
    theirs_url = f"{witnesses}/{theirs.json()['id']}"
    assert client.delete(theirs_url, headers=employee.headers).status_code == 403
    assert client.delete(theirs_url, headers=handler.headers).status_code == 204
    assert client.delete(theirs_url, headers=handler.headers).status_code == 404
    assert _audit(engine, "witness.create") == 2
    assert _audit(engine, "witness.delete") == 1
    assert _audit(engine, "journal_entry.create") == 3


def test_the_complaint_step_and_tracing_an_unknown_sender(client, org, engine):
    employee, handler = org["employee"], org["case_handler"]
    incident = make_incident(client, employee, perpetrator={"known": False, "accountHandles": ["@anon"]})
    complaints = f"{BASE}/{incident['id']}/complaints"
    assert client.post(complaints, json={"subject": "x"}, headers=employee.headers).status_code == 403
    created = client.post(complaints, json={"subject": "Benefit paid late"}, headers=handler.headers)
    assert created.status_code == 201 and created.headers["ETag"] == '"1"'
    url = f"{complaints}/{created.json()['id']}"
    assert client.patch(url, json={"outcome": "resolved"}, headers=handler.headers).status_code == 428
    refused = patch(client, url, {"outcome": "resolved"}, handler)
    assert refused.status_code == 400 and _codes(refused) == {"resolution": "required"}
    for outcome in ("resolved", "not_resolved", "referred", "unfounded"):
        decided = patch(
            client,
            url,
            {"outcome": outcome, "resolution": "Paid with interest", "aggressionAddressed": True,
             "agreements": "E-mail only", "conversationAt": later(hours=-3)},
            handler,
        )  # fmt: skip
        assert decided.status_code == 200, decided.text
        assert decided.json()["outcome"] == outcome and decided.json()["decidedAt"]
    reopened = patch(client, url, {"outcome": None}, handler).json()
    assert reopened["outcome"] is None and reopened["decidedAt"] is None
    assert patch(client, url, {"resolution": None}, handler).status_code == 400
    assert _audit(engine, "complaint.decide") == 4

    tracing = f"{BASE}/{incident['id']}/tracing-requests"
    early = client.post(tracing, json={"channel": "police"}, headers=handler.headers)
    assert early.status_code == 409 and _codes(early) == {"channel": "police_report_first"}
    specialist = client.post(
        tracing, json={"channel": "specialist", "reference": "CyberSec BV"}, headers=handler.headers
    )
    assert specialist.status_code == 201 and specialist.json()["outcome"] == "pending"
    found = f"{tracing}/{specialist.json()['id']}"
    missing = patch(client, found, {"outcome": "identified"}, handler)
    assert missing.status_code == 400 and _codes(missing) == {"identifiedAs": "required"}
    identified = patch(
        client, found, {"outcome": "identified", "identifiedAs": "J. Pietersen"}, handler
    ).json()
    assert identified["identifiedAs"] == "J. Pietersen"
    assert patch(client, found, {"outcome": "not_identified"}, handler).json()["identifiedAs"] is None

    # After the police report is recorded as done the police may be asked.
    from tests.fixtures.handling import set_column

    action = client.post(
        f"{BASE}/{incident['id']}/actions", json={"kind": "police_report"}, headers=handler.headers
    ).json()
    set_column(engine, "action", action["id"], status="done")
    police = client.post(
        tracing, json={"channel": "police", "reference": "PL0900-2026-1"}, headers=handler.headers
    )
    assert police.status_code == 201, police.text
    disclosure = client.post(
        f"{BASE}/{incident['id']}/takedown-requests",
        json={"recipientKind": "provider", "recipientName": "Meta", "urls": ["https://example.org/p/1"]},
        headers=handler.headers,
    )
    assert disclosure.status_code == 201, disclosure.text

    known = make_incident(client, employee, perpetrator={"known": True, "name": "Piet"})
    refused_known = client.post(
        f"{BASE}/{known['id']}/tracing-requests", json={"channel": "specialist"}, headers=handler.headers
    )
    assert refused_known.status_code == 409 and _codes(refused_known) == {"channel": "sender_known"}


def test_prolonged_frequency_raises_the_stalking_signal_and_hired_staff_are_covered(client, org, other_org):
    employee, handler = org["employee"], org["case_handler"]
    incident = make_incident(
        client,
        employee,
        frequency="prolonged",
        affectedEmployees=[
            {"name": "Ali (uitzendkracht)", "employment": "hired"},
            {"name": "Eva", "employment": "temporary"},
        ],
    )
    assert [(s["code"], s["articles"]) for s in incident["signals"]] == [("prolonged_frequency", ["Sr 285b"])]
    assert incident["signals"][0]["perpetratorId"] is None
    assert [e.get("employment") for e in incident["affectedEmployees"]] == ["hired", "temporary"]
    legal = client.get(f"{BASE}/{incident['id']}/legal-assessment", headers=handler.headers).json()
    assert "prolonged_frequency" in [s["code"] for s in legal["signals"]]
    calmer = patch(client, f"{BASE}/{incident['id']}", {"frequency": "several_times"}, handler).json()
    assert calmer["signals"] == []
    danish = make_incident(client, other_org["case_handler"], frequency="prolonged")
    assert danish["signals"][0]["articles"] == ["Strfl. § 265"]
