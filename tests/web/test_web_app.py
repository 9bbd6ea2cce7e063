"""The web app without a browser: session cookie, CSRF, headers, static files, languages, fragments."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.main import create_app
from app.config import Settings
from tests.fixtures.factories import PASSWORD, Tenant
from tests.web.helpers import csrf_of, log_in
from web.i18n import negotiate
from web.main import create_web
from web.vocabulary import (
    ACTION_KINDS,
    BEHAVIOURS,
    CLASSIFICATIONS,
    CONSENTS,
    CUSTODY_KINDS,
    DECISIONS,
    EVIDENCE_KINDS,
    LOCATION_KINDS,
    PLATFORMS,
    RECIPIENT_KINDS,
    RECORDING_KINDS,
    REFUSAL_GROUNDS,
    ROLES,
    SEVERITIES,
    STATUSES,
    TAKEDOWN_STATUSES,
    VIOLATION_KINDS,
)

ROOT = Path(__file__).resolve().parents[2]


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
        "CustodyKind": CUSTODY_KINDS,
        "ActionKind": ACTION_KINDS,
        "RecipientKind": RECIPIENT_KINDS,
        "TakedownStatus": TAKEDOWN_STATUSES,
        "Decision": DECISIONS,
        "RecordingKind": RECORDING_KINDS,
        "RefusalGround": REFUSAL_GROUNDS,
        "Consent": CONSENTS,
        "ViolationKind": VIOLATION_KINDS,
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
