"""Webhook administration in the browser: a test message, sending a delivery again, and a new
signing secret with its overlap; delivered by the job runner to a real receiver on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from app.config import get_settings
from app.jobs import service as jobs
from tests.fixtures.factories import SECRET
from tests.fixtures.receiver import running_receiver
from tests.web.helpers import at_both_widths, axe_violations, login, shoot
from tests.web.server import LiveServer

ADMIN = "coordinator@utrecht.example"


@pytest.fixture
def page(browser):
    """A Dutch browser context; CSP bypassed only so that axe-core can be injected."""
    context = browser.new_context(locale="nl-NL", bypass_csp=True, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    context.close()


@pytest.fixture
def deliveries_to_loopback(server: LiveServer, monkeypatch):
    """This module's server may subscribe 127.0.0.1; the job runner (run here) may deliver there."""
    server.settings.webhook_allow_private_targets = True
    monkeypatch.setenv("WEERBAAR_WEBHOOK_ALLOW_PRIVATE_TARGETS", "true")
    monkeypatch.setenv("WEERBAAR_SECRET_KEY", SECRET)
    get_settings.cache_clear()
    yield
    server.settings.webhook_allow_private_targets = False
    get_settings.cache_clear()


def run_jobs(server: LiveServer) -> None:
    while jobs.run_one(server.engine, "browser-test"):
        pass


def test_ping_redelivery_and_new_secret(
    server: LiveServer, page, artifacts: Path, deliveries_to_loopback
) -> None:
    admin = {"Authorization": f"Bearer {server.tenant['coordinator'].token}"}
    with running_receiver() as receiver, httpx.Client(base_url=f"{server.url}/api/v1", timeout=10) as http:
        created = http.post(
            "webhook-subscriptions",
            json={"url": receiver.url, "eventTypes": ["incident.created"]},
            headers=admin,
        )
        assert created.status_code == 201, created.text
        first_secret, subscription_id = created.json()["secret"], created.json()["id"]
        login(page, server.url, ADMIN)

        page.goto(f"{server.url}/admin/webhooks")
        page.click("[data-testid=ping]")
        page.wait_for_url(f"{server.url}/admin/webhooks/{subscription_id}/deliveries")
        assert "testbericht onderweg" in page.inner_text("main")
        assert "Testbericht" in page.inner_text("[data-testid=delivery]")
        run_jobs(server)
        assert [Webhook(first_secret).verify(r.body, r.headers)["type"] for r in receiver.received] == [
            "webhook.ping"
        ]

        page.reload()
        assert "Afgeleverd" in page.inner_text("[data-testid=delivery]")
        assert axe_violations(page) == []
        at_both_widths(page, artifacts, "admin-webhook-deliveries-ping")
        page.click("[data-testid=redeliver]")
        page.wait_for_selector("text=opnieuw verstuurd")
        run_jobs(server)
        assert len(receiver.received) == 2
        assert receiver.received[1].headers["webhook-id"] == receiver.received[0].headers["webhook-id"]
        page.reload()
        assert page.inner_text("[data-testid=attempts]") == "2"

        page.goto(f"{server.url}/admin/webhooks")
        page.click(f"a[href='/admin/webhooks/{subscription_id}/rotate-secret']")
        page.wait_for_selector("[data-testid=confirm]")
        assert axe_violations(page) == []
        page.click("[data-testid=confirm]")
        page.wait_for_selector("[data-testid=secret]")
        new_secret = page.inner_text("[data-testid=secret]").strip()
        assert new_secret.startswith("whsec_") and new_secret != first_secret
        assert "Het vorige geheim blijft werken tot" in page.inner_text("[data-testid=overlap-end]")
        assert axe_violations(page) == []
        at_both_widths(page, artifacts, "admin-webhook-new-secret")

        page.goto(f"{server.url}/admin/webhooks")
        assert "blijft werken tot" in page.inner_text("[data-testid=subscription]")
        assert axe_violations(page) == []
        at_both_widths(page, artifacts, "admin-webhooks-ping-and-new-secret")
        page.click("[data-testid=ping]")
        page.wait_for_url(f"{server.url}/admin/webhooks/{subscription_id}/deliveries")
        run_jobs(server)
        during = receiver.received[2]
        assert len(during.headers["webhook-signature"].split(" ")) == 2
        for secret in (first_secret, new_secret):
            assert Webhook(secret).verify(during.body, during.headers)["type"] == "webhook.ping"

        # The same page in English and Danish (by the language switch).
        deliveries = f"/admin/webhooks/{subscription_id}/deliveries"
        for language, words in (
            ("en", ("Send a test message", "Test message", "Send again")),
            ("da", ("Send en testbesked", "Testbesked", "Send igen")),
        ):
            page.goto(f"{server.url}/language/{language}?next={deliveries}")
            text = page.inner_text("main")
            assert all(word in text for word in words), (language, text[:300])
            shoot(page, artifacts, f"admin-webhook-deliveries-{language}-1280")
        assert http.delete(f"webhook-subscriptions/{subscription_id}", headers=admin).status_code == 204
    assert page.errors == []
