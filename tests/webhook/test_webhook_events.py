"""Events from evidence, takedown requests and action reminders reach subscribers, signed."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from standardwebhooks.webhooks import Webhook

from app.config import get_settings
from app.evidence.models import Evidence
from tests.evidence.helpers import png
from tests.fixtures.factories import SECRET
from tests.fixtures.handling import PLATFORM_NOTICE, add_evidence, later, make_incident, patch
from tests.fixtures.receiver import running_receiver
from tests.webhook.test_webhooks import run_jobs_until_settled

ALL_EVENTS = [
    "incident.created",
    "incident.updated",
    "incident.closed",
    "evidence.added",
    "evidence.verification_failed",
    "takedown.status_changed",
    "action.due",
]


@pytest.fixture(autouse=True)
def private_targets_allowed(monkeypatch):
    monkeypatch.setenv("WEERBAAR_WEBHOOK_ALLOW_PRIVATE_TARGETS", "true")
    monkeypatch.setenv("WEERBAAR_WEBHOOK_RETRY_BASE_SECONDS", "0.01")
    monkeypatch.setenv("WEERBAAR_SECRET_KEY", SECRET)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_evidence_takedown_and_action_events_are_delivered(client, org, engine):
    handler = org["case_handler"]
    with running_receiver() as receiver:
        subscription = client.post(
            "/api/v1/webhook-subscriptions",
            json={"url": receiver.url, "eventTypes": ALL_EVENTS},
            headers=org["admin"].headers,
        ).json()
        incident = make_incident(client, handler)
        for seed, url in enumerate(PLATFORM_NOTICE["urls"]):
            add_evidence(client, handler, incident_id=incident["id"], url=url, seed=seed)
        created = client.post(
            f"/api/v1/incidents/{incident['id']}/takedown-requests",
            json=PLATFORM_NOTICE,
            headers=handler.headers,
        )
        assert created.status_code == 201, created.text
        sent = patch(client, f"/api/v1/takedown-requests/{created.json()['id']}", {"status": "sent"}, handler)
        assert sent.status_code == 200, sent.text
        action = client.post(
            f"/api/v1/incidents/{incident['id']}/actions",
            json={"kind": "consultation", "dueAt": later(hours=1)},
            headers=handler.headers,
        )
        assert action.status_code == 201, action.text
        run_jobs_until_settled(engine)
        verifier = Webhook(subscription["secret"])
        payloads = [verifier.verify(r.body, r.headers) for r in receiver.received]
    kinds = sorted(p["type"] for p in payloads)
    assert kinds.count("evidence.added") == 2
    assert kinds.count("takedown.status_changed") == 1
    assert kinds.count("action.due") == 1
    assert kinds.count("incident.created") == 1
    takedown = next(p for p in payloads if p["type"] == "takedown.status_changed")
    assert takedown["data"]["transition"] == "draft->sent"
    assert takedown["data"]["incidentId"] == incident["id"]
    due = next(p for p in payloads if p["type"] == "action.due")
    assert due["data"]["actionId"] == action.json()["id"]


def test_multipart_upload_retried_with_a_new_boundary_is_replayed(client, org, engine):
    handler = org["case_handler"]
    incident = make_incident(client, handler)
    content = png(seed=7)

    def upload():
        return client.post(
            f"/api/v1/incidents/{incident['id']}/evidence",
            files={"file": ("capture.png", content, "image/png")},
            data={"kind": "screenshot"},
            headers={**handler.headers, "Idempotency-Key": "upload-1"},
        )

    first = upload()
    assert first.status_code == 201, first.text
    # httpx makes a new multipart boundary per request; the parts are the same, so it is a replay.
    second = upload()
    assert second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    other = client.post(
        f"/api/v1/incidents/{incident['id']}/evidence",
        files={"file": ("capture.png", png(seed=8), "image/png")},
        data={"kind": "screenshot"},
        headers={**handler.headers, "Idempotency-Key": "upload-1"},
    )
    assert other.status_code == 409
    with Session(engine) as session:
        assert len(session.exec(select(Evidence)).all()) == 1
