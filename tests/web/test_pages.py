"""Pages without a browser: dashboard, administration, audit log, evidence, handling, pagination."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from tests.fixtures.factories import Tenant
from tests.web.helpers import log_in


@pytest.mark.parametrize("email", ["coordinator@utrecht.example", "employee@utrecht.example"])
def test_the_dashboard_shows_charts_to_handlers_and_own_incidents_to_employees(
    browser_client: TestClient, tenant: Tenant, email: str
) -> None:
    token = log_in(browser_client, email)
    created = browser_client.post(
        "/incidents",
        data={
            "title": "Scheldbericht",
            "platform": "tiktok",
            "behaviours": "swearing",
            "occurredAt": "2026-01-05T10:00",
        },
        headers={"HX-Request": "true", "X-CSRF-Token": token},
    )
    assert created.status_code == 204
    page = browser_client.get("/")
    assert page.status_code == 200
    # Organisation-wide figures are for the roles that may read statistics; an employee's
    # dashboard lists their own open incidents.
    handler = email.startswith("coordinator")
    assert page.text.count('role="img"') == (2 if handler else 0)
    assert ("TikTok" in page.text) is handler
    assert "Scheldbericht" in page.text


def test_admins_add_users_and_see_field_errors(browser_client: TestClient, tenant: Tenant) -> None:
    token = log_in(browser_client)
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    refused = browser_client.post("/admin/users", data={"email": "", "password": ""}, headers=headers)
    assert refused.status_code == 400 and refused.headers["HX-Reswap"] == "none"
    assert 'id="user-error-email"' in refused.text and 'id="user-error-roles"' in refused.text
    created = browser_client.post(
        "/admin/users",
        data={
            "email": "nieuw@utrecht.example",
            "name": "Nieuw",
            "password": "a long password 123",
            "roles": "employee",
        },
        headers=headers,
    )
    assert created.status_code == 204
    assert "nieuw@utrecht.example" in browser_client.get("/admin/users").text


def test_an_api_client_token_is_shown_once(browser_client: TestClient, tenant: Tenant) -> None:
    token = log_in(browser_client)
    page = browser_client.get("/admin/api-clients")
    assert "incidents:read" in page.text  # the scopes come from the published contract
    created = browser_client.post(
        "/admin/api-clients", data={"name": "GIR koppeling", "scopes": "incidents:read", "csrf_token": token}
    )
    assert created.status_code == 200
    secret = re.search(r'data-testid="secret">([^<]+)<', created.text)
    assert secret
    assert secret.group(1) not in browser_client.get("/admin/api-clients").text


def test_employees_do_not_reach_the_admin_pages(browser_client: TestClient, tenant: Tenant) -> None:
    log_in(browser_client, "employee@utrecht.example")
    response = browser_client.get("/admin/users")
    assert response.status_code == 403
    assert "/admin/users" not in browser_client.get("/incidents").text


def test_the_audit_log_lists_events_with_their_hashes(browser_client: TestClient, tenant: Tenant) -> None:
    log_in(browser_client)
    page = browser_client.get("/audit")
    assert page.status_code == 200
    assert "session.create" in page.text, page.text[page.text.find('id="results"') :][:800]
    fragment = browser_client.get("/audit?action=nothing.like.this", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text


def test_evidence_uploaded_through_the_ui_downloads_unchanged(
    browser_client: TestClient, tenant: Tenant
) -> None:
    token = log_in(browser_client)
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    created = browser_client.post(
        "/incidents",
        data={
            "title": "Met bewijs",
            "platform": "x",
            "behaviours": "threat",
            "occurredAt": "2026-02-01T09:30",
        },
        files={"screenshots": ("scherm.png", png, "image/png")},
        headers=headers,
    )
    assert created.status_code == 204
    detail = browser_client.get(created.headers["HX-Redirect"])
    link = re.search(r'href="(/evidence/[0-9a-f-]+/content)"', detail.text)
    assert link
    download = browser_client.get(link.group(1))
    assert download.status_code == 200 and download.content == png
    assert "attachment" in download.headers["content-disposition"]
    assert download.headers["Cache-Control"] == "no-store"


def _incident_with_evidence(client: TestClient, token: str, url: str) -> str:
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    created = client.post(
        "/incidents",
        data={
            "title": "Scheldpartij",
            "platform": "forum",
            "behaviours": "swearing",
            "occurredAt": "2026-03-01T12:00",
            "urls": url,
        },
        headers=headers,
    )
    incident = created.headers["HX-Redirect"].rsplit("/", 1)[1]
    stored = client.post(
        f"/incidents/{incident}/evidence",
        data={"sourceUrl": url},
        files={"file": ("capture.png", b"\x89PNG\r\n\x1a\n" + b"\1" * 64, "image/png")},
        headers=headers,
    )
    assert stored.status_code == 204, stored.text
    return str(incident)


def test_a_takedown_is_sent_answered_and_escalated_from_the_detail_page(
    browser_client: TestClient, tenant: Tenant
) -> None:
    token = log_in(browser_client)
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    url = "https://forum.example/thread/7"
    incident = _incident_with_evidence(browser_client, token, url)
    drafted = browser_client.post(
        f"/incidents/{incident}/takedowns",
        data={"recipientKind": "sender", "recipientName": "De afzender", "urls": url},
        headers=headers,
    )
    assert drafted.status_code == 204, drafted.text
    page = browser_client.get(f"/incidents/{incident}").text
    takedown = re.search(r"/takedowns/([0-9a-f-]{36})/status", page)
    assert takedown
    status_url = f"/incidents/{incident}/takedowns/{takedown.group(1)}/status"
    assert browser_client.post(status_url, data={"status": "sent"}, headers=headers).status_code == 204
    answered = browser_client.post(
        status_url, data={"status": "refused", "response": "Wij verwijderen niets."}, headers=headers
    )
    assert answered.status_code == 204, answered.text
    escalated = browser_client.post(status_url, data={"status": "escalated"}, headers=headers)
    assert escalated.status_code == 204, escalated.text
    page = browser_client.get(f"/incidents/{incident}").text
    assert page.count('data-testid="takedown"') == 2  # the escalation drafted a follow-up request
    assert "Wij verwijderen niets." in page
    letter = browser_client.get(f"/takedowns/{takedown.group(1)}/letter?language=da")
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")


def test_an_action_is_added_and_marked_done(browser_client: TestClient, tenant: Tenant) -> None:
    token = log_in(browser_client)
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    incident = _incident_with_evidence(browser_client, token, "https://forum.example/thread/8")
    refused = browser_client.post(f"/incidents/{incident}/actions", data={"kind": ""}, headers=headers)
    assert refused.status_code == 400 and 'id="action-error-kind"' in refused.text
    added = browser_client.post(
        f"/incidents/{incident}/actions",
        data={"kind": "consultation", "description": "Gesprek met leidinggevende"},
        headers=headers,
    )
    assert added.status_code == 204, added.text
    page = browser_client.get(f"/incidents/{incident}").text
    action = re.search(r"/actions/([0-9a-f-]{36})/done", page)
    assert action
    done = browser_client.post(
        f"/incidents/{incident}/actions/{action.group(1)}/done",
        data={"outcome": "Besproken"},
        headers=headers,
    )
    assert done.status_code == 204, done.text
    assert "Besproken" in browser_client.get(f"/incidents/{incident}").text


def test_the_case_handler_overrides_the_classification_with_a_reason(
    browser_client: TestClient, tenant: Tenant
) -> None:
    token = log_in(browser_client)
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    incident = _incident_with_evidence(browser_client, token, "https://forum.example/thread/9")
    form = browser_client.get(f"/incidents/{incident}/edit").text
    etag = re.search(r'name="etag" value="([^"]+)"', form)
    assert etag and 'id="override-privacy"' in form
    data = {
        "title": "Scheldpartij",
        "platform": "forum",
        "behaviours": "swearing",
        "occurredAt": "2026-03-01T12:00",
        "severity": "high",
        "status": "in_progress",
        "override": "privacy",
        "etag": html.unescape(etag.group(1)),
    }
    refused = browser_client.post(f"/incidents/{incident}", data=data, headers=headers)
    assert refused.status_code == 400 and 'id="error-classificationOverride"' in refused.text
    saved = browser_client.post(
        f"/incidents/{incident}",
        data={**data, "overrideReason": "Foto's van de medewerker gedeeld"},
        headers=headers,
    )
    assert saved.status_code == 204, saved.text
    page = browser_client.get(f"/incidents/{incident}").text
    assert "Foto&#39;s van de medewerker gedeeld" in page or "Foto's van de medewerker gedeeld" in page


def test_the_list_pages_with_a_cursor(browser_client: TestClient, tenant: Tenant) -> None:
    token = log_in(browser_client)
    for number in range(27):
        created = browser_client.post(
            "/incidents",
            data={
                "title": f"Bericht {number}",
                "platform": "x",
                "behaviours": "insult",
                "occurredAt": "2026-04-01T08:00",
                "csrf_token": token,
            },
        )
        assert created.status_code == 303
    first = browser_client.get("/incidents?platform=x")
    rows = re.compile(r'href="/incidents/[0-9a-f-]{36}"')
    assert len(rows.findall(first.text)) == 25
    following = re.search(r'rel="next" href="([^"]+)"', first.text)
    assert following and "platform=x" in following.group(1)
    second = browser_client.get(html.unescape(following.group(1)), headers={"HX-Request": "true"})
    assert len(rows.findall(second.text)) == 2
    assert 'rel="next"' not in second.text and "/incidents?platform=x" in second.text


def test_webhook_subscriptions_show_their_secret_once_or_say_why_not(
    browser_client: TestClient, tenant: Tenant
) -> None:
    token = log_in(browser_client)
    page = browser_client.get("/admin/webhooks")
    assert page.status_code == 200 and "incident.created" in page.text  # event types from the contract
    refused = browser_client.post(
        "/admin/webhooks",
        data={"url": "http://127.0.0.1/hook", "eventTypes": "incident.created"},
        headers={"HX-Request": "true", "X-CSRF-Token": token},
    )
    assert refused.status_code == 400 and 'id="webhook-error-url"' in refused.text
    assert re.search(
        r'id="webhook-error-url"[^>]*><p class="utrecht-form-field-error-message">', refused.text
    )


def test_the_reporter_corrects_the_facts_without_the_handling_fields(
    browser_client: TestClient, tenant: Tenant
) -> None:
    token = log_in(browser_client, "employee@utrecht.example")
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    created = browser_client.post(
        "/incidents",
        data={
            "title": "Eerste versie",
            "platform": "x",
            "behaviours": "insult",
            "occurredAt": "2026-05-01T09:00",
        },
        headers=headers,
    )
    detail = created.headers["HX-Redirect"]
    form = browser_client.get(f"{detail}/edit").text
    assert 'name="severity"' not in form and 'name="override"' not in form
    etag = re.search(r'name="etag" value="([^"]+)"', form)
    original = re.search(r'name="original" value="([^"]+)"', form)
    assert etag and original
    saved = browser_client.post(
        detail,
        data={
            "title": "Verbeterde versie",
            "platform": "x",
            "behaviours": "insult",
            "occurredAt": "2026-05-01T09:00",
            "etag": html.unescape(etag.group(1)),
            "original": html.unescape(original.group(1)),
        },
        headers=headers,
    )
    assert saved.status_code == 204, saved.text
    assert "Verbeterde versie" in browser_client.get(detail).text
