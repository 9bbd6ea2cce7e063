"""Takedown requests linked to evidence items: links on create and while draft, the send gate."""

from __future__ import annotations

from tests.evidence.helpers import png, upload
from tests.fixtures.handling import PLATFORM_NOTICE, SENDER_NOTICE, add_evidence, make_incident, patch


def _screenshot(client, member, incident, seed=0):
    response = upload(client, incident["id"], member, png(seed=seed + 40))
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_linked_screenshot_without_url_unblocks_sending(client, org):
    incident = make_incident(client, org["case_handler"])
    shot = _screenshot(client, org["case_handler"], incident)
    body = {**SENDER_NOTICE, "evidenceIds": [shot]}
    created = client.post(
        f"/api/v1/incidents/{incident['id']}/takedown-requests",
        json=body,
        headers=org["case_handler"].headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["evidenceIds"] == [shot]
    url = f"/api/v1/takedown-requests/{created.json()['id']}"
    sent = patch(client, url, {"status": "sent"}, org["case_handler"])
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "sent"


def test_unlinked_request_lists_each_missing_url(client, org):
    incident = make_incident(client, org["case_handler"])
    add_evidence(client, org["case_handler"], incident_id=incident["id"], url=PLATFORM_NOTICE["urls"][0])
    created = client.post(
        f"/api/v1/incidents/{incident['id']}/takedown-requests",
        json=PLATFORM_NOTICE,
        headers=org["case_handler"].headers,
    )
    url = f"/api/v1/takedown-requests/{created.json()['id']}"
    refused = patch(client, url, {"status": "sent"}, org["case_handler"])
    assert refused.status_code == 409
    errors = refused.json()["errors"]
    assert [(e["name"], e["code"]) for e in errors] == [("urls/1", "evidence-missing")]
    assert PLATFORM_NOTICE["urls"][1] in errors[0]["detail"]


def test_links_are_checked_and_change_only_while_draft(client, org, other_org):
    incident = make_incident(client, org["case_handler"])
    other = make_incident(client, org["case_handler"])
    mine = _screenshot(client, org["case_handler"], incident, 1)
    theirs = _screenshot(client, org["case_handler"], other, 2)
    created = client.post(
        f"/api/v1/incidents/{incident['id']}/takedown-requests",
        json={**SENDER_NOTICE, "evidenceIds": [mine, theirs, "00000000-0000-0000-0000-000000000000"]},
        headers=org["case_handler"].headers,
    )
    assert created.status_code == 400
    assert [(e["name"], e["code"]) for e in created.json()["errors"]] == [
        ("evidenceIds/1", "unknown_evidence"),
        ("evidenceIds/2", "unknown_evidence"),
    ]
    created = client.post(
        f"/api/v1/incidents/{incident['id']}/takedown-requests",
        json=SENDER_NOTICE,
        headers=org["case_handler"].headers,
    )
    url = f"/api/v1/takedown-requests/{created.json()['id']}"
    assert created.json()["evidenceIds"] == []
    cleared = patch(client, url, {"legalGround": None, "recipientEmail": None}, org["case_handler"])
    assert cleared.status_code == 200 and cleared.json()["legalGround"] == ""
    linked = patch(client, url, {"evidenceIds": [mine]}, org["case_handler"])
    assert linked.status_code == 200 and linked.json()["evidenceIds"] == [mine]
    bad = patch(client, url, {"evidenceIds": [theirs]}, org["case_handler"])
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "unknown_evidence"
    assert patch(client, url, {"status": "sent"}, org["case_handler"]).status_code == 200
    late = patch(client, url, {"evidenceIds": []}, org["case_handler"])
    assert late.status_code == 409
    assert late.json()["errors"][0]["code"] == "not_draft"
    wrong = patch(client, url, {"status": "escalated"}, org["case_handler"])
    assert wrong.json()["errors"][0]["code"] == "transition_not_allowed"


def test_escalation_keeps_the_links(client, org):
    incident = make_incident(client, org["case_handler"])
    shot = _screenshot(client, org["case_handler"], incident, 3)
    created = client.post(
        f"/api/v1/incidents/{incident['id']}/takedown-requests",
        json={**SENDER_NOTICE, "evidenceIds": [shot]},
        headers=org["case_handler"].headers,
    )
    url = f"/api/v1/takedown-requests/{created.json()['id']}"
    assert patch(client, url, {"status": "sent"}, org["case_handler"]).status_code == 200
    assert (
        patch(client, url, {"status": "refused", "response": "Nee"}, org["case_handler"]).status_code == 200
    )
    escalated = patch(client, url, {"status": "escalated"}, org["case_handler"]).json()
    follow_up = client.get(
        f"/api/v1/takedown-requests/{escalated['escalatedToId']}", headers=org["case_handler"].headers
    ).json()
    assert follow_up["recipientKind"] == "platform" and follow_up["evidenceIds"] == [shot]
