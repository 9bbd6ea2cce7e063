"""A ping on request, a redelivery with the same webhook-id, and a secret rotation where both
secrets sign during the overlap and only the new one after it (time moved by the test)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from app.audit.models import AuditEvent
from app.auth.actor import Scope
from app.config import get_settings
from app.db import utcnow
from app.webhook import delivery as delivery_module
from app.webhook.models import WebhookSubscription
from tests.fixtures.factories import SECRET, incident_body, make_api_client
from tests.fixtures.receiver import running_receiver
from tests.webhook.helpers import CONTRACT, payload_validator, verified
from tests.webhook.test_webhooks import run_jobs_until_settled

BASE = "/api/v1/webhook-subscriptions"


@pytest.fixture(autouse=True)
def receiver_settings(monkeypatch):
    """Receivers listen on 127.0.0.1; the API is public at the test client's host."""
    monkeypatch.setenv("WEERBAAR_WEBHOOK_ALLOW_PRIVATE_TARGETS", "true")
    monkeypatch.setenv("WEERBAAR_WEBHOOK_RETRY_BASE_SECONDS", "0.01")
    monkeypatch.setenv("WEERBAAR_SECRET_KEY", SECRET)
    monkeypatch.setenv("WEERBAAR_PUBLIC_URL", "http://testserver")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _entries(header: str) -> list[str]:
    return header.split(" ")


def test_ping_redelivery_and_secret_rotation_with_overlap(client, org, other_org, engine, monkeypatch):
    admin = org["admin"].headers
    with running_receiver() as receiver:
        created = client.post(
            BASE, json={"url": receiver.url, "eventTypes": ["incident.created"]}, headers=admin
        )
        assert created.status_code == 201, created.text
        subscription, first_secret = created.json(), created.json()["secret"]
        assert subscription["previousSecretExpiresAt"] is None
        url = f"{BASE}/{subscription['id']}"

        # Need-to-know: administrators (webhooks:write for API clients) of the same organisation.
        assert client.post(f"{url}/pings", headers=org["case_handler"].headers).status_code == 403
        reader = make_api_client(engine, org, scopes=[Scope.webhooks_read])
        assert client.post(f"{url}/pings", headers=reader).status_code == 403
        assert client.post(f"{url}/pings", headers=other_org["admin"].headers).status_code == 404
        assert client.post(f"{url}/secret-rotations", headers=other_org["admin"].headers).status_code == 404

        # Ping: queued (202), delivered by the job runner, valid against the contract.
        ping = client.post(f"{url}/pings", headers=admin)
        assert ping.status_code == 202, ping.text
        delivery = ping.json()
        assert delivery["eventType"] == "webhook.ping" and delivery["status"] == "pending"
        assert ping.headers["Location"] == f"{url}/deliveries/{delivery['id']}"
        run_jobs_until_settled(engine)
        [body] = verified(receiver.received, first_secret)
        assert body["type"] == "webhook.ping"
        assert list(payload_validator(CONTRACT, "webhook.ping").iter_errors(body)) == []
        assert body["data"]["url"] == f"http://testserver{url}"
        assert client.get(body["data"]["url"], headers=admin).json()["id"] == subscription["id"]
        first_id = receiver.received[0].headers["webhook-id"]
        assert first_id == f"msg_{delivery['eventId']}"

        # Redelivery: the same webhook-id and body, a second attempt in the delivery's log.
        again = client.post(f"{url}/deliveries/{delivery['id']}/redeliveries", headers=admin)
        assert again.status_code == 202, again.text
        assert again.json()["id"] == delivery["id"]
        run_jobs_until_settled(engine)
        assert len(receiver.received) == 2
        assert receiver.received[1].headers["webhook-id"] == first_id
        assert receiver.received[1].body == receiver.received[0].body
        verified(receiver.received[1:], first_secret)
        log = client.get(f"{url}/deliveries/{delivery['id']}", headers=admin).json()
        assert [a["attempt"] for a in log["attempts"]] == [1, 2] and log["status"] == "succeeded"
        missing = client.post(f"{url}/deliveries/{subscription['id']}/redeliveries", headers=admin)
        assert missing.status_code == 404

        # Rotation: the new secret once; both secrets sign until the overlap ends.
        rotated = client.post(f"{url}/secret-rotations", headers=admin)
        assert rotated.status_code == 200, rotated.text
        new_secret = rotated.json()["secret"]
        assert new_secret.startswith("whsec_") and new_secret != first_secret
        ends = datetime.fromisoformat(rotated.json()["previousSecretExpiresAt"])
        assert abs(ends - (utcnow() + timedelta(hours=24))) < timedelta(minutes=1)
        assert "secret" not in client.get(url, headers=admin).json()
        client.post("/api/v1/incidents", json=incident_body(), headers=org["case_handler"].headers)
        run_jobs_until_settled(engine)
        during = receiver.received[2]
        assert len(_entries(during.headers["webhook-signature"])) == 2
        for secret in (first_secret, new_secret):
            assert Webhook(secret).verify(during.body, during.headers)["type"] == "incident.created"

        # 25 hours later (the delivery's clock moved): only the new secret signs.
        later = utcnow() + timedelta(hours=25)
        monkeypatch.setattr(delivery_module, "utcnow", lambda: later)
        assert client.post(f"{url}/pings", headers=admin).status_code == 202
        run_jobs_until_settled(engine)
        after = receiver.received[3]
        entries = _entries(after.headers["webhook-signature"])
        msg_id = after.headers["webhook-id"]
        signed_at = datetime.fromtimestamp(int(after.headers["webhook-timestamp"]), tz=UTC)
        assert signed_at > utcnow() + timedelta(hours=24)
        assert entries == [Webhook(new_secret).sign(msg_id, signed_at, after.body.decode())]
        assert Webhook(first_secret).sign(msg_id, signed_at, after.body.decode()) not in entries
        monkeypatch.undo()

    # The old secret no longer verifies a delivery signed now, the new one does.
    body = after.body.decode()
    now = utcnow()
    fresh = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(new_secret).sign(msg_id, now, body),
    }
    Webhook(new_secret).verify(body, fresh)
    with pytest.raises(WebhookVerificationError):
        Webhook(first_secret).verify(body, fresh)

    with Session(engine) as session:
        actions = [
            e.action
            for e in session.exec(select(AuditEvent).where(AuditEvent.object_type == "webhook_subscription"))
        ]
        stored = session.get(WebhookSubscription, uuid.UUID(subscription["id"]))
    assert actions.count("webhook_subscription.ping") == 2
    assert "webhook_delivery.redeliver" in actions and "webhook_subscription.rotate_secret" in actions
    assert stored is not None and stored.previous_sealed_secret is not None


def test_a_disabled_subscription_refuses_ping_redelivery_and_rotation(client, org, engine):
    admin = org["admin"].headers
    created = client.post(
        BASE, json={"url": "http://127.0.0.1:9/hook", "eventTypes": ["incident.created"]}, headers=admin
    ).json()
    url = f"{BASE}/{created['id']}"
    delivery = client.post(f"{url}/pings", headers=admin).json()
    with Session(engine) as session:
        row = session.get(WebhookSubscription, uuid.UUID(created["id"]))
        assert row is not None
        row.status = "disabled"
        session.add(row)
        session.commit()
    for path in ("pings", f"deliveries/{delivery['id']}/redeliveries", "secret-rotations"):
        refused = client.post(f"{url}/{path}", headers=admin)
        assert refused.status_code == 409, (path, refused.text)
        assert refused.json()["errors"][0]["code"] == "subscription_disabled"
