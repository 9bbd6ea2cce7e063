"""Every event an integrator mirrors reaches a real receiver on 127.0.0.1, signed, valid against
the contract's `webhooks` schema, with absolute URLs that give the resource back."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlmodel import Session

from app.auth.actor import Scope
from app.config import get_settings
from app.evidence.models import Evidence
from app.webhook.models import EventType
from tests.fixtures.factories import SECRET, make_api_client
from tests.fixtures.handling import PLATFORM_NOTICE, add_evidence, later, make_incident, patch
from tests.fixtures.receiver import running_receiver
from tests.recording_permission.bodies import permission_body, violation_body
from tests.webhook.helpers import CONTRACT, payload_validator, verified
from tests.webhook.test_webhooks import run_jobs_until_settled

PUBLIC = "http://testserver"
URL_FIELDS = ("url", "incidentUrl", "violationsUrl")


@pytest.fixture(autouse=True)
def receiver_settings(monkeypatch):
    """Receivers listen on 127.0.0.1; retries come fast; the API is public at the test client's host."""
    monkeypatch.setenv("WEERBAAR_WEBHOOK_ALLOW_PRIVATE_TARGETS", "true")
    monkeypatch.setenv("WEERBAAR_WEBHOOK_RETRY_BASE_SECONDS", "0.01")
    monkeypatch.setenv("WEERBAAR_WEBHOOK_TIMEOUT_SECONDS", "5")
    monkeypatch.setenv("WEERBAAR_SECRET_KEY", SECRET)
    monkeypatch.setenv("WEERBAAR_PUBLIC_URL", PUBLIC)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _tamper(app, engine, evidence_id: str) -> None:
    """Change the stored bytes behind the store's back (the filesystem store of the test app)."""
    with Session(engine) as session:
        item = session.get(Evidence, uuid.UUID(evidence_id))
        assert item is not None and item.storage_key
        path: Path = app.state.store.root / item.storage_key
    path.chmod(0o600)
    path.write_bytes(b"changed")


def test_every_event_is_delivered_valid_against_the_contract_with_urls_that_lead_back(
    client, org, engine, app
):
    handler, admin, legal, manager = org["case_handler"], org["admin"], org["legal"], org["manager"]
    contract = CONTRACT  # the committed one (tests/api/test_contract.py: the app serves the same)
    assert set(contract["webhooks"]) == {*(e.value for e in EventType), "webhook.ping"}
    with running_receiver() as receiver:
        subscribed = client.post(
            "/api/v1/webhook-subscriptions",
            json={"url": receiver.url, "eventTypes": [e.value for e in EventType]},
            headers=admin.headers,
        )
        assert subscribed.status_code == 201, subscribed.text
        incident = make_incident(client, handler)
        incident_url = f"/api/v1/incidents/{incident['id']}"
        assert patch(client, incident_url, {"severity": "high"}, handler).status_code == 200

        evidence_id = add_evidence(
            client, handler, incident_id=incident["id"], url=PLATFORM_NOTICE["urls"][0]
        )
        evidence_url = f"/api/v1/evidence/{evidence_id}"
        changed = patch(client, evidence_url, {"description": "Screenshot of the post"}, handler)
        assert changed.status_code == 200, changed.text
        hold = f"{evidence_url}/legal-hold"
        for active, reason in ((True, "summary proceedings"), (False, "case settled")):
            held = client.put(hold, json={"active": active, "reason": reason}, headers=legal.headers)
            assert held.status_code == 200, held.text
        second = add_evidence(
            client, handler, incident_id=incident["id"], url=PLATFORM_NOTICE["urls"][1], seed=3
        )
        _tamper(app, engine, second)
        verification = client.post(f"/api/v1/evidence/{second}/verifications", headers=handler.headers)
        assert verification.json()["result"] == "mismatch", verification.text

        takedown = client.post(
            f"{incident_url}/takedown-requests", json=PLATFORM_NOTICE, headers=handler.headers
        )
        assert takedown.status_code == 201, takedown.text
        takedown_url = f"/api/v1/takedown-requests/{takedown.json()['id']}"
        assert patch(client, takedown_url, {"status": "sent"}, handler).status_code == 200

        action = client.post(
            f"{incident_url}/actions",
            json={"kind": "consultation", "dueAt": later(hours=1)},
            headers=handler.headers,
        )
        assert action.status_code == 201, action.text
        run_jobs_until_settled(engine)  # the reminder (action.due) is due at once: 1 h < 24 h ahead
        done = patch(
            client,
            f"/api/v1/actions/{action.json()['id']}",
            {"status": "done", "outcome": "Talked it through."},
            handler,
        )
        assert done.status_code == 200, done.text

        closed = patch(
            client, incident_url, {"status": "closed", "closureReason": "Handled with the sender."}, handler
        )
        assert closed.status_code == 200, closed.text
        removed = client.post(
            f"{evidence_url}/removals", json={"reason": "retention period ended"}, headers=admin.headers
        )
        assert removed.status_code == 200, removed.text

        permission = client.post(
            "/api/v1/recording-permissions", json=permission_body(), headers=manager.headers
        )
        assert permission.status_code == 201, permission.text
        violation = client.post(
            f"/api/v1/recording-permissions/{permission.json()['id']}/violations",
            json=violation_body(),
            headers=manager.headers,
        )
        assert violation.status_code == 201, violation.text

        run_jobs_until_settled(engine)
        payloads = verified(receiver.received, subscribed.json()["secret"])

    kinds = [p["type"] for p in payloads]
    assert set(kinds) == {e.value for e in EventType}
    # Closing is a change as well: incident.updated comes with (and before) incident.closed.
    own = [p["type"] for p in payloads if p["data"].get("incidentId") == incident["id"]]
    assert own.count("incident.updated") == 2
    assert (
        own.index("incident.closed") == own.index("incident.updated", own.index("incident.updated") + 1) + 1
    )
    assert kinds.count("action.updated") == 1 and kinds.index("action.done") > kinds.index("action.updated")
    hold_events = [p for p in payloads if p["type"].startswith("evidence.legal_hold")]
    assert [(p["type"], p["data"]["legalHold"]) for p in hold_events] == [
        ("evidence.legal_hold_set", True),
        ("evidence.legal_hold_released", False),
    ]
    reader = make_api_client(engine, org, scopes=[s for s in Scope if s.value.endswith(":read")])
    for body in payloads:
        errors = [e.message for e in payload_validator(contract, body["type"]).iter_errors(body)]
        assert errors == [], (body["type"], errors)
        links = [body["data"][f] for f in URL_FIELDS if body["data"].get(f)]
        assert links and all(link.startswith(f"{PUBLIC}/api/v1/") for link in links), body
        for link in links:
            answer = client.get(link, headers=reader)
            assert answer.status_code == 200, (body["type"], link, answer.text)
        ids = {v for k, v in body["data"].items() if k.endswith("Id")}
        resource = client.get(body["data"]["url"], headers=reader).json()
        assert resource["id"] in ids, (body["type"], resource)
    violation_event = next(p for p in payloads if p["type"] == "recording_permission.violation")
    assert violation_event["data"]["violationId"] == violation.json()["id"]
    assert violation_event["data"]["incidentId"] == violation.json()["incidentId"]
    removal = next(p for p in payloads if p["type"] == "evidence.removed")
    assert removal["data"]["url"] == f"{PUBLIC}{evidence_url}"
