"""Webhooks: subscriptions, signed deliveries with retries, 410, the delivery log, SSRF refusals."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from sqlmodel import Session, select
from standardwebhooks.webhooks import Webhook

from app.audit.models import AuditEvent
from app.auth.actor import Actor, Scope
from app.config import get_settings
from app.errors import Invalid
from app.jobs import service as jobs
from app.webhook import service as webhooks
from app.webhook.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from app.webhook.schemas import WebhookSubscriptionCreate
from tests.fixtures.factories import SECRET, incident_body, make_api_client
from tests.fixtures.receiver import running_receiver

ALL_INCIDENT_EVENTS = ["incident.created", "incident.updated", "incident.closed"]


@pytest.fixture(autouse=True)
def private_targets_allowed(monkeypatch):
    """The receivers of these tests listen on 127.0.0.1; retries come fast."""
    monkeypatch.setenv("WEERBAAR_WEBHOOK_ALLOW_PRIVATE_TARGETS", "true")
    monkeypatch.setenv("WEERBAAR_WEBHOOK_RETRY_BASE_SECONDS", "0.01")
    monkeypatch.setenv("WEERBAAR_WEBHOOK_TIMEOUT_SECONDS", "5")
    # The job runner reads the secret key from the environment, as a `weerbaar worker` does.
    monkeypatch.setenv("WEERBAAR_SECRET_KEY", SECRET)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def api_app(client):
    """The API application mounted at /api/v1."""
    return next(r.app for r in client.app.routes if getattr(r, "path", "") == "/api/v1")


def subscribe(client, org, url, events=ALL_INCIDENT_EVENTS):
    response = client.post(
        "/api/v1/webhook-subscriptions",
        json={"url": url, "eventTypes": events, "description": "GIR"},
        headers=org["admin"].headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


def run_jobs_until_settled(engine, *, timeout: float = 30.0) -> None:
    """Run due jobs until no delivery is pending (back-off is milliseconds here)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        while jobs.run_one(engine, "test-worker"):
            pass
        with Session(engine) as session:
            pending = session.exec(select(WebhookDelivery).where(WebhookDelivery.status == "pending")).all()
        if not pending:
            return
        time.sleep(0.02)
    raise AssertionError("deliveries still pending")


def test_receiver_failing_at_first_gets_every_event_once_it_recovers_with_valid_signatures(
    client, org, engine
):
    with running_receiver(fail_first=4) as receiver:
        created = subscribe(client, org, receiver.url)
        secret = created["secret"]
        assert secret.startswith("whsec_")
        headers = org["case_handler"].headers
        ids = [
            client.post("/api/v1/incidents", json=incident_body(), headers=headers).json()["id"]
            for _ in range(3)
        ]
        client.patch(
            f"/api/v1/incidents/{ids[0]}", json={"severity": "high"}, headers={**headers, "If-Match": '"1"'}
        )
        client.patch(
            f"/api/v1/incidents/{ids[1]}",
            json={"status": "closed", "closureReason": "Handled with the sender."},
            headers={**headers, "If-Match": '"1"'},
        )
        run_jobs_until_settled(engine)
        verifier = Webhook(secret)
        payloads = [verifier.verify(r.body, r.headers) for r in receiver.received]
        message_ids = [r.headers["webhook-id"] for r in receiver.received]
    # Closing is a change as well: incident.updated and incident.closed.
    assert len(payloads) == 6 and len(set(message_ids)) == 6
    assert sorted(p["type"] for p in payloads) == sorted(
        ["incident.created"] * 3 + ["incident.updated"] * 2 + ["incident.closed"]
    )
    assert {p["data"]["incidentId"] for p in payloads} == set(ids)
    assert all(set(p["data"]) == {"incidentId", "reference", "status", "version", "url"} for p in payloads)
    with Session(engine) as session:
        events = session.exec(select(WebhookEvent)).all()
    assert {f"msg_{e.id}" for e in events} == set(message_ids)

    log = client.get(
        f"/api/v1/webhook-subscriptions/{created['id']}/deliveries", headers=org["admin"].headers
    ).json()["items"]
    assert len(log) == 6 and all(d["status"] == "succeeded" for d in log)
    attempts = [a for d in log for a in d["attempts"]]
    assert sum(1 for a in attempts if a["statusCode"] == 500) == 4
    assert sum(1 for a in attempts if a["statusCode"] == 204) == 6
    for delivery in log:
        numbers = [a["attempt"] for a in delivery["attempts"]]
        assert numbers == list(range(1, len(numbers) + 1))
        assert delivery["attempts"][-1]["error"] is None
        assert all(a["durationMs"] >= 0 for a in delivery["attempts"])
    failed = [a for a in attempts if a["statusCode"] == 500]
    assert all(a["error"] == "HTTP 500" for a in failed)


def test_a_tampered_body_fails_verification(client, org, engine):
    with running_receiver() as receiver:
        secret = subscribe(client, org, receiver.url)["secret"]
        client.post("/api/v1/incidents", json=incident_body(), headers=org["case_handler"].headers)
        run_jobs_until_settled(engine)
        got = receiver.received[0]
    tampered = got.body.replace(b"incident.created", b"incident.closed")
    with pytest.raises(Exception, match="signature"):
        Webhook(secret).verify(tampered, got.headers)
    with pytest.raises(Exception, match="signature"):
        Webhook("whsec_" + "A" * 43 + "=").verify(got.body, got.headers)
    assert json.loads(got.body)["type"] == "incident.created"


def test_gone_disables_the_subscription(client, org, engine):
    with running_receiver(fail_first=100, fail_status=410) as receiver:
        created = subscribe(client, org, receiver.url)
        client.post("/api/v1/incidents", json=incident_body(), headers=org["case_handler"].headers)
        run_jobs_until_settled(engine)
        assert receiver.calls == 1
        got = client.get(
            f"/api/v1/webhook-subscriptions/{created['id']}", headers=org["admin"].headers
        ).json()
        assert got["status"] == "disabled" and "410" in got["disabledReason"]
        client.post("/api/v1/incidents", json=incident_body(), headers=org["case_handler"].headers)
        run_jobs_until_settled(engine)
        assert receiver.calls == 1
    log = client.get(
        f"/api/v1/webhook-subscriptions/{created['id']}/deliveries", headers=org["admin"].headers
    ).json()["items"]
    assert [d["status"] for d in log] == ["failed"]
    assert log[0]["attempts"][0]["statusCode"] == 410
    with Session(engine) as session:
        actions = [e.action for e in session.exec(select(AuditEvent)).all()]
    assert "webhook_subscription.disable" in actions


def test_gives_up_after_the_maximum_attempts(client, org, engine, monkeypatch):
    monkeypatch.setenv("WEERBAAR_WEBHOOK_MAX_ATTEMPTS", "3")
    get_settings.cache_clear()
    with running_receiver(fail_first=100) as receiver:
        created = subscribe(client, org, receiver.url)
        client.post("/api/v1/incidents", json=incident_body(), headers=org["case_handler"].headers)
        run_jobs_until_settled(engine)
        assert receiver.calls == 3
    log = client.get(
        f"/api/v1/webhook-subscriptions/{created['id']}/deliveries", headers=org["admin"].headers
    ).json()["items"]
    assert log[0]["status"] == "failed" and len(log[0]["attempts"]) == 3


def test_private_target_is_refused_at_delivery_time_too(client, org, engine, monkeypatch):
    with running_receiver() as receiver:
        created = subscribe(client, org, receiver.url)
        monkeypatch.setenv("WEERBAAR_WEBHOOK_ALLOW_PRIVATE_TARGETS", "false")
        monkeypatch.setenv("WEERBAAR_WEBHOOK_MAX_ATTEMPTS", "1")
        get_settings.cache_clear()
        client.post("/api/v1/incidents", json=incident_body(), headers=org["case_handler"].headers)
        run_jobs_until_settled(engine)
        assert receiver.calls == 0
    log = client.get(
        f"/api/v1/webhook-subscriptions/{created['id']}/deliveries", headers=org["admin"].headers
    ).json()["items"]
    assert log[0]["attempts"][0]["statusCode"] is None
    assert "private, loopback or reserved" in log[0]["attempts"][0]["error"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:192.168.0.1]/hook",
        "ftp://example.org/hook",
        "https://user:pw@example.org/hook",
    ],
)
def test_private_or_malformed_targets_are_400_and_nothing_is_written(client, org, engine, monkeypatch, url):
    monkeypatch.setenv("WEERBAAR_WEBHOOK_ALLOW_PRIVATE_TARGETS", "false")
    get_settings.cache_clear()
    api_app(client).state.settings = get_settings()  # the route reads the API app's settings
    response = client.post(
        "/api/v1/webhook-subscriptions",
        json={"url": url, "eventTypes": ["incident.created"]},
        headers=org["admin"].headers,
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["name"] == "url"
    malformed = url.startswith("ftp:") or "@" in url
    assert response.json()["errors"][0]["code"] == ("url_invalid" if malformed else "target_not_public")
    with Session(engine) as session:
        assert session.exec(select(WebhookSubscription)).all() == []


def test_http_is_refused_in_production(engine, org):
    actor = Actor(kind="user", organisation_id=org.organisation_id, label="a", user_id=org["admin"].user_id)
    data = WebhookSubscriptionCreate(url="http://hooks.example.org/x", event_types=["incident.created"])
    with Session(engine) as session, pytest.raises(Invalid) as refused:
        webhooks.create(
            session, data=data, actor=actor, allow_private=True, require_https=True, secret_key=SECRET
        )
    assert "https" in refused.value.errors[0].detail
    assert refused.value.errors[0].code == "https_required"


def test_unknown_event_type_is_400(client, org):
    response = client.post(
        "/api/v1/webhook-subscriptions",
        json={"url": "https://hooks.example.org/x", "eventTypes": ["incident.deleted"]},
        headers=org["admin"].headers,
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["name"] == "eventTypes/0"


def test_secret_is_shown_once_and_deletion_stops_deliveries(client, org, engine):
    with running_receiver() as receiver:
        created = subscribe(client, org, receiver.url)
        url = f"/api/v1/webhook-subscriptions/{created['id']}"
        got = client.get(url, headers=org["admin"].headers).json()
        assert "secret" not in got
        assert all(
            "secret" not in s
            for s in client.get("/api/v1/webhook-subscriptions", headers=org["admin"].headers).json()
        )
        client.post("/api/v1/incidents", json=incident_body(), headers=org["case_handler"].headers)
        assert client.delete(url, headers=org["admin"].headers).status_code == 204
        run_jobs_until_settled(engine)
        assert receiver.calls == 0
        assert client.get(url, headers=org["admin"].headers).status_code == 404
        assert client.get("/api/v1/webhook-subscriptions", headers=org["admin"].headers).json() == []
    with Session(engine) as session:
        actions = [e.action for e in session.exec(select(AuditEvent)).all()]
    assert {"webhook_subscription.create", "webhook_subscription.delete"} <= set(actions)


def test_access_needs_admin_or_scope_and_other_organisations_see_404(client, org, other_org, engine):
    created = subscribe(client, org, "http://127.0.0.1:9/x")
    url = f"/api/v1/webhook-subscriptions/{created['id']}"
    for role in ("case_handler", "employee", "privacy_officer"):
        assert client.get("/api/v1/webhook-subscriptions", headers=org[role].headers).status_code == 403
    reader = make_api_client(engine, org, scopes=[Scope.webhooks_read])
    assert client.get(url, headers=reader).status_code == 200
    assert client.delete(url, headers=reader).status_code == 403
    denied = client.post(
        "/api/v1/webhook-subscriptions",
        json={"url": "http://127.0.0.1:9/y", "eventTypes": ["incident.created"]},
        headers=reader,
    )
    assert denied.status_code == 403
    writer = make_api_client(engine, org, scopes=[Scope.webhooks_write, Scope.webhooks_read])
    assert (
        client.post(
            "/api/v1/webhook-subscriptions",
            json={"url": "http://127.0.0.1:9/y", "eventTypes": ["incident.created"]},
            headers=writer,
        ).status_code
        == 201
    )
    assert client.get(url, headers=other_org["admin"].headers).status_code == 404
    assert client.delete(url, headers=other_org["admin"].headers).status_code == 404
    assert client.get(f"{url}/deliveries", headers=other_org["admin"].headers).status_code == 404
    missing = f"/api/v1/webhook-subscriptions/{uuid.uuid4()}"
    assert client.get(missing, headers=org["admin"].headers).status_code == 404


def test_strictly_confidential_incidents_raise_no_events(client, org, engine):
    subscribe(client, org, "http://127.0.0.1:9/x")
    client.post(
        "/api/v1/incidents",
        json=incident_body(confidentiality="strictly_confidential"),
        headers=org["privacy_officer"].headers,
    )
    with Session(engine) as session:
        assert session.exec(select(WebhookEvent)).all() == []


def test_signing_secret_is_stored_encrypted_and_a_changed_server_key_fails_cleanly(
    client, org, engine, monkeypatch
):
    with running_receiver() as receiver:
        created = subscribe(client, org, receiver.url)
        with Session(engine) as session:
            stored = session.exec(select(WebhookSubscription)).one()
        assert created["secret"] not in stored.sealed_secret
        assert created["secret"][6:20] not in stored.sealed_secret
        monkeypatch.setenv("WEERBAAR_SECRET_KEY", "another-secret-key-" + "x" * 40)
        get_settings.cache_clear()
        client.post("/api/v1/incidents", json=incident_body(), headers=org["case_handler"].headers)
        run_jobs_until_settled(engine)
        assert receiver.calls == 0
    log = client.get(
        f"/api/v1/webhook-subscriptions/{created['id']}/deliveries", headers=org["admin"].headers
    ).json()["items"]
    assert log[0]["status"] == "failed"
    assert "WEERBAAR_SECRET_KEY" in log[0]["attempts"][0]["error"]
