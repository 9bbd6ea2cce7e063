"""The web app without a browser: session cookie, CSRF, headers, static files, languages, fragments."""

from __future__ import annotations

import ast
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.main import create_app
from app.config import Settings
from tests.fixtures.factories import PASSWORD, Tenant
from web.i18n import negotiate
from web.main import create_web
from web.vocabulary import (
    ACTION_KINDS,
    BEHAVIOURS,
    CLASSIFICATIONS,
    DECISIONS,
    EVIDENCE_KINDS,
    LOCATION_KINDS,
    PLATFORMS,
    RECIPIENT_KINDS,
    ROLES,
    SEVERITIES,
    STATUSES,
    TAKEDOWN_STATUSES,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def web_app(settings: Settings) -> Iterator[FastAPI]:
    """API and UI in one app; the UI reaches the API in-process through an ASGI transport."""
    web = create_web(api_url="http://testserver/api/v1", secret_key=settings.resolved_secret_key())
    application = create_app(settings, web=web)
    web.state.transport = httpx.ASGITransport(app=application)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def browser_client(web_app: FastAPI) -> TestClient:
    return TestClient(web_app, raise_server_exceptions=False, follow_redirects=False)


@pytest.fixture
def tenant(web_app: FastAPI) -> Tenant:
    from tests.fixtures.factories import add_member, make_tenant

    tenant = make_tenant(web_app.state.engine, slug="utrecht", roles=("employee",))
    add_member(web_app.state.engine, tenant, key="coordinator", roles=["case_handler", "admin"])
    return tenant


def csrf_of(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def log_in(client: TestClient, email: str = "coordinator@utrecht.example") -> str:
    token = csrf_of(client)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303, response.text[:500]
    return token


def test_pages_carry_a_strict_csp_and_the_cookie_is_httponly_and_strict(browser_client: TestClient) -> None:
    response = browser_client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("weerbaar=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie
    assert response.headers["Cache-Control"] == "no-store"
    assert (
        "<script>" not in response.text and " onclick=" not in response.text and "style=" not in response.text
    )


def test_over_https_the_cookie_is_host_prefixed_and_secure(web_app: FastAPI) -> None:
    client = TestClient(web_app, base_url="https://testserver", follow_redirects=False)
    cookie = client.get("/login").headers["set-cookie"]
    assert cookie.startswith("__Host-weerbaar=") and "Secure" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie


def test_the_session_cookie_is_encrypted(browser_client: TestClient, tenant: Tenant) -> None:
    log_in(browser_client)
    value = browser_client.cookies["weerbaar"]
    assert "coordinator" not in value and "wb_" not in value and "csrf" not in value


def test_a_form_without_the_csrf_token_is_refused(browser_client: TestClient, tenant: Tenant) -> None:
    browser_client.get("/login")
    response = browser_client.post(
        "/login", data={"email": "coordinator@utrecht.example", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 403
    assert "niets opgeslagen" in response.text or "Nothing was saved" in response.text
    assert "weerbaar" not in browser_client.cookies or browser_client.get("/").status_code == 303


def test_htmx_requests_need_the_header_token(browser_client: TestClient, tenant: Tenant) -> None:
    token = log_in(browser_client)
    body = {"title": "x", "platform": "x", "behaviours": "threat", "occurredAt": "2026-01-01T10:00"}
    forged = browser_client.post(
        "/incidents", data=body, headers={"HX-Request": "true", "X-CSRF-Token": "no"}
    )
    assert forged.status_code == 403
    assert forged.headers["HX-Reswap"] == "none" and 'hx-swap-oob="true"' in forged.text
    good = browser_client.post("/incidents", data=body, headers={"HX-Request": "true", "X-CSRF-Token": token})
    assert good.status_code == 204 and good.headers["HX-Redirect"].startswith("/incidents/")


def test_wrong_password_gives_a_message_and_keeps_the_email(
    browser_client: TestClient, tenant: Tenant
) -> None:
    token = csrf_of(browser_client)
    response = browser_client.post(
        "/login", data={"email": "coordinator@utrecht.example", "password": "nope", "csrf_token": token}
    )
    assert response.status_code == 401
    assert 'value="coordinator@utrecht.example"' in response.text
    assert "not correct" in response.text or "niet juist" in response.text


def test_pages_need_a_login_and_come_back_after_it(browser_client: TestClient) -> None:
    response = browser_client.get("/incidents")
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/incidents"
    htmx = browser_client.get("/incidents", headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"].startswith("/login")


def test_an_open_redirect_after_login_is_not_followed(browser_client: TestClient, tenant: Tenant) -> None:
    token = csrf_of(browser_client)
    response = browser_client.post(
        "/login",
        data={
            "email": "coordinator@utrecht.example",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/",
        },
    )
    assert response.headers["location"] == "/"


def test_the_list_returns_a_fragment_for_htmx_and_a_page_otherwise(
    browser_client: TestClient, tenant: Tenant
) -> None:
    log_in(browser_client)
    page = browser_client.get("/incidents?status=reported")
    assert page.status_code == 200 and "<html" in page.text and 'id="results"' in page.text
    fragment = browser_client.get("/incidents?status=reported", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "HX-Request" in fragment.headers["Vary"]
    restore = browser_client.get(
        "/incidents", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.text


def test_static_files_are_served_under_their_hash_for_a_year(browser_client: TestClient) -> None:
    page = browser_client.get("/login").text
    url = re.search(r'src="(/static/[0-9a-f]{12}/vendor/htmx\.min\.js)"', page)
    assert url
    response = browser_client.get(url.group(1))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert browser_client.get("/static/000000000000/vendor/htmx.min.js").status_code == 404


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("nl-NL,nl;q=0.9,en;q=0.8", "nl"),
        ("da-DK", "da"),
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR, en;q=0.5", "en"),
        ("de, en;q=0", None),
        ("", None),
        ("da;q=0.4, nl;q=0.8", "nl"),
    ],
)
def test_accept_language_is_negotiated_with_regions_and_weights(header: str, expected: str | None) -> None:
    assert negotiate(header) == expected


def test_the_language_follows_the_browser_and_the_switch(browser_client: TestClient) -> None:
    assert 'lang="da"' in browser_client.get("/login", headers={"Accept-Language": "da-DK"}).text
    assert 'lang="nl"' in browser_client.get("/login", headers={"Accept-Language": "fr"}).text
    browser_client.get("/language/en?next=/login")
    assert 'lang="en"' in browser_client.get("/login", headers={"Accept-Language": "da"}).text
    assert browser_client.get("/language/en?next=https://evil.example").headers["location"] == "/"


def test_the_vocabularies_match_the_contract() -> None:
    schemas = json.loads((ROOT / "openapi" / "openapi.json").read_text())["components"]["schemas"]
    expected = {
        "Behaviour": BEHAVIOURS,
        "Platform": PLATFORMS,
        "Status": STATUSES,
        "Severity": SEVERITIES,
        "Classification": CLASSIFICATIONS,
        "LocationKind": LOCATION_KINDS,
        "Role": ROLES,
        "EvidenceKind": EVIDENCE_KINDS,
        "ActionKind": ACTION_KINDS,
        "RecipientKind": RECIPIENT_KINDS,
        "TakedownStatus": TAKEDOWN_STATUSES,
        "Decision": DECISIONS,
    }
    for name, vocabulary in expected.items():
        assert name in schemas, name
        assert set(schemas[name]["enum"]) == set(vocabulary), name


def test_the_ui_never_imports_the_services_or_the_database() -> None:
    for path in (ROOT / "web").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                assert not name.startswith(("app", "api", "sqlmodel", "sqlalchemy")), f"{path}: {name}"


def test_a_post_over_the_size_limit_is_refused_before_it_is_read(settings: Settings, tenant: Tenant) -> None:
    web = create_web(
        api_url="http://testserver/api/v1", secret_key=settings.resolved_secret_key(), max_upload_bytes=1000
    )
    application = create_app(settings, web=web)
    web.state.transport = httpx.ASGITransport(app=application)
    client = TestClient(application, follow_redirects=False)
    token = log_in(client)
    response = client.post(
        "/incidents",
        files={"screenshots": ("big.png", b"\x89PNG" + b"\0" * 1_100_000, "image/png")},
        data={"title": "te groot"},
        headers={"HX-Request": "true", "X-CSRF-Token": token},
    )
    assert response.status_code == 413
    assert response.headers["HX-Reswap"] == "none"
    assert "MB" in response.text
    application.state.engine.dispose()


@pytest.mark.parametrize("email", ["coordinator@utrecht.example", "employee@utrecht.example"])
def test_the_dashboard_shows_counts_and_charts_to_handlers_and_employees(
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
    assert page.text.count('role="img"') == 2
    assert "TikTok" in page.text


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
