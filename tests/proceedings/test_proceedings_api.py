"""The police decision of an incident and a civil claim's particulars through the API."""

from __future__ import annotations

from sqlmodel import Session, select

from app.audit.models import AuditEvent
from tests.fixtures.handling import make_incident


def test_police_decision_is_recorded_replaced_with_if_match_and_hidden_from_the_employee(client, org, engine):
    incident = make_incident(client, org["employee"])
    url = f"/api/v1/incidents/{incident['id']}/police-assessment"
    handler = org["case_handler"].headers
    assert client.get(url, headers=handler).status_code == 404

    refused = client.put(
        url,
        json={
            "context": "Reactie op een besluit",
            "reach": "wide",
            "impact": "severe",
            "decision": "no_report",
        },
        headers=handler,
    )
    assert refused.status_code == 400
    assert [(e["name"], e["code"]) for e in refused.json()["errors"]] == [("reason", "required")]

    body = {
        "context": "Reactie op een besluit over een uitkering",
        "reach": "wide",
        "impact": "severe",
        "impactNotes": "Medewerker durft niet naar huis",
        "decision": "report",
    }
    assert client.put(url, json=body, headers=handler).status_code == 428  # "0" for the first one
    created = client.put(url, json=body, headers={**handler, "If-Match": '"0"'})
    assert created.status_code == 200, created.text
    assert created.headers["ETag"] == '"1"'
    assert created.json()["decision"] == "report"
    assert created.json()["assessedBy"] == str(org["case_handler"].user_id)
    assert "frequency" in created.json()

    again = {**body, "decision": "notify", "reach": "limited"}
    assert client.put(url, json=again, headers=handler).status_code == 428
    assert client.put(url, json=again, headers={**handler, "If-Match": '"7"'}).status_code == 412
    replaced = client.put(url, json=again, headers={**handler, "If-Match": '"1"'})
    assert replaced.status_code == 200
    assert replaced.json()["decision"] == "notify" and replaced.json()["version"] == 2
    assert client.get(url, headers=org["manager"].headers).status_code == 200
    assert client.get(url, headers=org["employee"].headers).status_code == 403
    assert client.put(url, json=body, headers=org["employee"].headers).status_code == 403
    with Session(engine) as session:
        actions = session.exec(
            select(AuditEvent.action).where(AuditEvent.action.startswith("police_assessment."))  # type: ignore[union-attr]
        ).all()
    assert sorted(actions) == ["police_assessment.create", "police_assessment.update"]


def test_civil_claim_particulars_only_on_a_civil_claim_action(client, org):
    incident = make_incident(client, org["employee"])
    handler = org["case_handler"].headers

    def action(kind: str) -> str:
        response = client.post(
            f"/api/v1/incidents/{incident['id']}/actions", json={"kind": kind}, headers=handler
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    claim_action, other = action("civil_claim"), action("consultation")
    body = {
        "claimant": "employee",
        "claimantName": "A. Medewerker",
        "route": "criminal_proceedings",
        "damage": "immaterial",
        "amount": "1250.5",
        "currency": "EUR",
    }
    first = {**handler, "If-Match": '"0"'}
    assert client.put(f"/api/v1/actions/{other}/civil-claim", json=body, headers=handler).status_code == 428
    assert client.put(f"/api/v1/actions/{other}/civil-claim", json=body, headers=first).status_code == 409
    bad = client.put(
        f"/api/v1/actions/{claim_action}/civil-claim",
        json={**body, "amount": "0", "claimantName": None},
        headers=first,
    )
    assert bad.status_code == 400
    assert {(e["name"], e["code"]) for e in bad.json()["errors"]} == {
        ("amount", "not_positive"),
        ("claimantName", "required"),
    }
    assert (
        client.put(
            f"/api/v1/actions/{claim_action}/civil-claim", json={**body, "amount": "12,50"}, headers=first
        ).status_code
        == 400
    )
    put = client.put(f"/api/v1/actions/{claim_action}/civil-claim", json=body, headers=first)
    assert put.status_code == 200, put.text
    assert put.json()["amount"] == "1250.50"
    listed = client.get(f"/api/v1/incidents/{incident['id']}/civil-claims", headers=org["manager"].headers)
    assert [c["claimantName"] for c in listed.json()] == ["A. Medewerker"]
    update = {
        **body,
        "claimant": "organisation",
        "claimantName": None,
        "route": "civil_procedure",
        "damage": "material",
        "amount": "8000",
        "currency": "DKK",
    }
    assert (
        client.put(f"/api/v1/actions/{claim_action}/civil-claim", json=update, headers=handler).status_code
        == 428
    )
    replaced = client.put(
        f"/api/v1/actions/{claim_action}/civil-claim", json=update, headers={**handler, "If-Match": '"1"'}
    )
    assert replaced.status_code == 200
    got = client.get(f"/api/v1/actions/{claim_action}/civil-claim", headers=handler).json()
    assert (got["amount"], got["currency"], got["claimant"]) == ("8000.00", "DKK", "organisation")
