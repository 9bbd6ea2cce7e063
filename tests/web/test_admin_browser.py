"""Administration and legal screens in the browser: API clients, webhooks, legal packs, letter templates."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from app.db import utcnow
from app.webhook.models import WebhookAttempt, WebhookDelivery
from tests.fixtures.factories import add_member, incident_body
from tests.web.helpers import at_both_widths, axe_violations, log_in, login, shoot
from tests.web.server import LiveServer
from web.vocabulary import DELIVERY_EVENT_TYPES, DELIVERY_STATUSES, EVENT_TYPES, SCOPES, SUBSCRIPTION_STATUSES

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "coordinator@utrecht.example"


@pytest.fixture
def page(browser):
    """A fresh Dutch browser context; CSP bypassed only so that axe-core can be injected."""
    context = browser.new_context(locale="nl-NL", bypass_csp=True, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    tab.on(
        "console",
        lambda msg: (
            tab.errors.append(msg.text) if msg.type == "error" and "status of 4" not in msg.text else None
        ),
    )
    yield tab
    context.close()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def api(server: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=f"{server.url}/api/v1", timeout=10)


def access_token(http: httpx.Client, client_id: str, secret: str) -> str:
    """An access token by OAuth2 client credentials (HTTP Basic)."""
    answer = http.post("oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret))
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def no_axe_violations(page) -> None:
    assert axe_violations(page) == [], page.url


def test_the_integration_vocabularies_match_the_contract() -> None:
    schemas = json.loads((ROOT / "openapi" / "openapi.json").read_text())["components"]["schemas"]
    expected = {
        "Scope": SCOPES,
        "EventType": EVENT_TYPES,
        "DeliveryEventType": DELIVERY_EVENT_TYPES,
        "DeliveryStatus": DELIVERY_STATUSES,
        "SubscriptionStatus": SUBSCRIPTION_STATUSES,
    }
    for name, vocabulary in expected.items():
        assert set(schemas[name]["enum"]) == set(vocabulary), name


def test_api_client_is_created_rotated_and_revoked(server: LiveServer, page, artifacts: Path) -> None:
    login(page, server.url, ADMIN)
    page.goto(f"{server.url}/admin/api-clients")
    # Refused: the errors are next to the fields, in Dutch, and the name typed stays.
    page.fill("#client-input-name", "GIR koppeling")
    page.click("form[action='/admin/api-clients'] button[type=submit]")
    page.wait_for_selector("#client-error-scopes .utrecht-form-field-error-message")
    assert "Kies er minstens één" in page.inner_text("#client-error-scopes")
    assert page.input_value("#client-input-name") == "GIR koppeling"
    page.check("#client-scopes-incidents\\:read")
    page.check("#client-scopes-webhooks\\:read")
    page.click("form[action='/admin/api-clients'] button[type=submit]")
    page.wait_for_selector("[data-testid=secret]")
    first = page.inner_text("[data-testid=secret]").strip()
    client_id = page.inner_text("[data-testid=client-id]").strip()
    client_secret = page.inner_text("[data-testid=client-secret]").strip()
    assert "Incidenten lezen" in page.inner_text("main")
    no_axe_violations(page)
    with api(server) as http:
        assert http.get("incidents", headers=bearer(first)).status_code == 200
        assert (
            http.get("incidents", headers=bearer(access_token(http, client_id, client_secret))).status_code
            == 200
        )

        page.goto(f"{server.url}/admin/api-clients")
        assert "Incidenten lezen" in page.inner_text("[data-testid=api-client]")
        no_axe_violations(page)
        at_both_widths(page, artifacts, "admin-api-clients")
        page.click("[data-testid=api-client] a[href$='/rotate']")
        page.wait_for_selector("[data-testid=confirm]")
        no_axe_violations(page)
        shoot(page, artifacts, "admin-api-client-rotate-confirm-1280")
        page.click("[data-testid=confirm]")
        page.wait_for_selector("text=Het vorige token werkt niet meer")
        second = page.inner_text("[data-testid=secret]").strip()
        assert second and second != first
        assert http.get("incidents", headers=bearer(first)).status_code == 401
        assert http.get("incidents", headers=bearer(second)).status_code == 200

        # A new client secret; the current one keeps working for the overlap (24 hours by default).
        page.goto(f"{server.url}/admin/api-clients")
        page.click("[data-testid=api-client] a[href$='/rotate-secret']")
        page.wait_for_selector("[data-testid=confirm]")
        assert page.input_value("#secret-input-overlapMinutes") == "1440"
        no_axe_violations(page)
        page.click("[data-testid=confirm]")
        page.wait_for_selector("[data-testid=overlap-end]")
        assert "Het vorige geheim blijft werken tot" in page.inner_text("[data-testid=overlap-end]")
        new_secret = page.inner_text("[data-testid=client-secret]").strip()
        assert new_secret and new_secret != client_secret
        no_axe_violations(page)
        at_both_widths(page, artifacts, "admin-api-client-new-secret")
        access_token(http, client_id, client_secret)  # the old secret, within the overlap
        access_token(http, client_id, new_secret)
        page.goto(f"{server.url}/admin/api-clients")
        assert "Vorig geheim werkt tot" in page.inner_text("[data-testid=api-client]")

        page.goto(f"{server.url}/admin/api-clients")
        page.click("[data-testid=api-client] a[href$='/revoke']")
        page.click("[data-testid=confirm]")
        page.wait_for_url(f"{server.url}/admin/api-clients")
        assert "ingetrokken" in page.inner_text("[data-testid=api-client]").lower()
        assert http.get("incidents", headers=bearer(second)).status_code == 401
        admin_token = server.tenant["coordinator"].token
        clients = http.get("api-clients", headers=bearer(admin_token)).json()
        assert [c["revokedAt"] is not None for c in clients] == [True]
    assert page.errors == []


def test_webhook_subscription_and_its_delivery_log(server: LiveServer, page, artifacts: Path) -> None:
    login(page, server.url, ADMIN)
    page.goto(f"{server.url}/admin/webhooks")
    page.fill("#webhook-input-url", "https://localhost/hook")
    page.check("#webhook-eventTypes-incident\\.created")
    page.click("form[action='/admin/webhooks'] button[type=submit]")
    page.wait_for_selector("#webhook-error-url .utrecht-form-field-error-message")
    assert "openbare internetadressen" in page.inner_text("#webhook-error-url")
    assert page.is_checked("#webhook-eventTypes-incident\\.created")
    shoot(page, artifacts, "admin-webhooks-refused-1280")
    # An IP literal that is public resolves without a network.
    page.fill("#webhook-input-url", "https://1.1.1.1/hooks/weerbaar")
    page.click("form[action='/admin/webhooks'] button[type=submit]")
    page.wait_for_selector("[data-testid=secret]")
    assert page.inner_text("[data-testid=secret]").startswith("whsec_")
    no_axe_violations(page)

    admin = server.tenant["coordinator"]
    with api(server) as http:
        created = http.post("incidents", json=incident_body(), headers=bearer(admin.token))
        assert created.status_code == 201, created.text
        subscription = http.get("webhook-subscriptions", headers=bearer(admin.token)).json()[0]
    # One failed attempt, as the delivery job records it when the receiver answers 503.
    with Session(server.engine) as session:
        delivery = session.exec(select(WebhookDelivery)).one()
        delivery.attempts = 1
        delivery.next_attempt_at = utcnow() + timedelta(minutes=5)
        session.add(delivery)
        session.add(
            WebhookAttempt(
                delivery_id=delivery.id, attempt=1, status_code=503, duration_ms=42, error="HTTP 503"
            )
        )
        session.commit()

    page.goto(f"{server.url}/admin/webhooks")
    assert "Incident gemeld" in page.inner_text("[data-testid=subscription]")
    no_axe_violations(page)
    at_both_widths(page, artifacts, "admin-webhooks")
    page.click("[data-testid=subscription] a[href$='/deliveries']")
    page.wait_for_selector("[data-testid=delivery]")
    text = page.inner_text("[data-testid=delivery]")
    assert "Incident gemeld" in text and "Wordt opnieuw geprobeerd" in text and "HTTP-status 503" in text
    assert page.inner_text("[data-testid=attempts]") == "1"
    no_axe_violations(page)
    at_both_widths(page, artifacts, "admin-webhook-deliveries")

    page.goto(f"{server.url}/admin/webhooks")
    page.click("[data-testid=subscription] a[href$='/end']")
    page.click("[data-testid=confirm]")
    page.wait_for_url(f"{server.url}/admin/webhooks")
    with api(server) as http:
        log = http.get(f"webhook-subscriptions/{subscription['id']}/deliveries", headers=bearer(admin.token))
        assert log.status_code == 404
        assert http.get("webhook-subscriptions", headers=bearer(admin.token)).json() == []
    assert page.errors == []


@pytest.fixture(scope="module")
def legal_member(server: LiveServer):
    return add_member(server.engine, server.tenant, key="jurist", roles=["legal"])


def test_legal_staff_edit_an_article_title_used_by_the_assessment(
    server: LiveServer, legal_member, page, artifacts: Path
) -> None:
    login(page, server.url, legal_member.email)
    page.click("nav a[href='/legal/packs/nl']")
    page.wait_for_selector("[data-testid=rule-threat]")
    assert "Strafbaar" in page.inner_text("[data-testid=rule-threat]")
    no_axe_violations(page)
    at_both_widths(page, artifacts, "legal-pack")
    page.click("[data-testid=rule-threat] a[href$='/rules/threat']")
    page.wait_for_selector("#rule-input-articles\\.0\\.title\\.nl")
    no_axe_violations(page)
    # Someone else saves the pack meanwhile: this save is stale, and the input stays.
    with api(server) as http:
        got = http.get("legal-packs/nl", headers=bearer(legal_member.token))
        body = {k: v for k, v in got.json().items() if k not in ("version", "updatedAt", "updatedBy")}
        body["source"] = "Eigen lezing"
        put = http.put(
            "legal-packs/nl",
            json=body,
            headers={**bearer(legal_member.token), "If-Match": got.headers["ETag"]},
        )
        assert put.status_code == 200, put.text
    page.fill("#rule-input-articles\\.0\\.title\\.nl", "Bedreiging (aangepast)")
    page.click("form.weerbaar-rule-form button[type=submit]")
    page.wait_for_selector("#rule-form-messages [role=alert]")
    assert "intussen gewijzigd" in page.inner_text("#rule-form-messages")
    assert page.input_value("#rule-input-articles\\.0\\.title\\.nl") == "Bedreiging (aangepast)"
    # Saved again (on top of the other change): an empty Danish title is refused next to its field.
    page.fill("#rule-input-articles\\.0\\.title\\.da", "")
    page.click("form.weerbaar-rule-form button[type=submit]")
    page.wait_for_selector("#rule-error-articles\\.0\\.title\\.da .utrecht-form-field-error-message")
    assert "Vul dit veld in" in page.inner_text("#rule-error-articles\\.0\\.title\\.da")
    shoot(page, artifacts, "legal-rule-refused-1280")
    page.fill("#rule-input-articles\\.0\\.title\\.da", "Trussel")
    page.click("form.weerbaar-rule-form button[type=submit]")
    page.wait_for_url(f"{server.url}/legal/packs/nl")
    assert "Bedreiging (aangepast)" in page.inner_text("[data-testid=rule-threat]")
    at_both_widths(page, artifacts, "legal-pack-saved")
    page.click("a[href='/legal/packs/nl/json']")
    page.wait_for_selector("#json-input-content")
    no_axe_violations(page)
    at_both_widths(page, artifacts, "legal-pack-json")
    page.goto(f"{server.url}/legal/packs/nl")
    # The political office holder rule has the same editor, with an explanation instead of a condition.
    page.click("a[href='/legal/packs/nl/rules/political-office-holder']")
    page.wait_for_selector("#rule-input-text\\.nl")
    no_axe_violations(page)
    page.fill("#rule-input-text\\.en", "Political office holders are out of scope of the protocol.")
    page.click("form.weerbaar-rule-form button[type=submit]")
    page.wait_for_url(f"{server.url}/legal/packs/nl")

    admin = server.tenant["coordinator"]
    with api(server) as http:
        body = incident_body(behaviours=["threat"])
        incident = http.post("incidents", json=body, headers=bearer(admin.token)).json()
        assessment = http.get(f"incidents/{incident['id']}/legal-assessment", headers=bearer(admin.token))
        titles = [a["title"]["nl"] for a in assessment.json()["suggestedArticles"]]
        assert titles == ["Bedreiging (aangepast)"]
        saved = http.get("legal-packs/nl", headers=bearer(admin.token)).json()
        assert saved["source"] == "Eigen lezing" and saved["version"] == 4
        assert saved["politicalOfficeHolder"]["explanation"]["en"].startswith(
            "Political office holders are out"
        )
    assert page.errors == []


def test_letter_template_with_a_syntax_error_then_a_valid_one(
    server: LiveServer, page, artifacts: Path
) -> None:
    login(page, server.url, ADMIN)
    page.goto(f"{server.url}/admin/letter-templates/nl")
    original = page.input_value("#letter-input-body")
    assert "{{" in original
    no_axe_violations(page)
    broken = "<p>Geachte {{ request.recipientName }},</p>\n<p>Kenmerk</p>\n<p>{% if %}</p>\n"
    page.fill("#letter-input-body", broken)
    page.click("form[action='/admin/letter-templates/nl'] button[type=submit]")
    page.wait_for_selector("#letter-error-body .utrecht-form-field-error-message")
    assert "Regel 3" in page.inner_text("#letter-error-body")
    assert page.input_value("#letter-input-body") == broken
    at_both_widths(page, artifacts, "admin-letter-template-refused")
    valid = "<p>Geachte {{ request.recipientName }},</p>\n<p>Kenmerk {{ incident.reference }}</p>\n"
    page.fill("#letter-input-body", valid)
    page.click("form[action='/admin/letter-templates/nl'] button[type=submit]")
    page.wait_for_selector(".utrecht-alert--success, [role=status]")
    with api(server) as http:
        got = http.get("letter-templates/nl", headers=bearer(server.tenant["coordinator"].token)).json()
        assert got["body"] == valid and got["version"] == 2
    assert page.errors == []


@pytest.mark.parametrize("locale", ["da-DK", "en-GB"])
def test_the_new_pages_speak_danish_and_english(
    server: LiveServer, browser, locale: str, artifacts: Path
) -> None:
    context = browser.new_context(locale=locale, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        login(page, server.url, ADMIN)
        if locale.startswith("en"):  # English only by choice (the switch), never by the browser
            page.goto(f"{server.url}/language/en?next=/")
        dutch = ("Juridisch", "Briefsjablonen", "Toevoegen", "Wanneer", "Strafbaar", "Gebruikers")
        for path in (
            "/admin/api-clients",
            "/admin/webhooks",
            "/admin/letter-templates/da",
            "/legal/packs/dk",
        ):
            page.goto(f"{server.url}{path}")
            text = page.inner_text("main")
            assert not [word for word in dutch if word in text], (locale, path)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
            name = path.strip("/").replace("/", "-")
            shoot(page, artifacts, f"{name}-{locale}-390")
        if locale == "da-DK":
            assert "Hvornår:" in page.inner_text("main") and "Strfl." in page.inner_text("main")
    finally:
        context.close()


def test_without_javascript_a_refused_form_comes_back_filled_in(browser_client, tenant) -> None:
    token = log_in(browser_client)
    refused = browser_client.post("/admin/api-clients", data={"name": "Monitoring", "csrf_token": token})
    assert refused.status_code == 400
    assert (
        'value="Monitoring"' in refused.text
        and 'id="client-error-scopes" class="weerbaar-field-error"><p' in refused.text
    )
    assert "<html" in refused.text  # the whole page, not a fragment

    url = "/admin/letter-templates/en"
    page = browser_client.get(url)
    etag = html.unescape(re.search(r'name="etag" value="([^"]+)"', page.text).group(1))
    broken = "<p>Dear {{ request.recipientName }},</p>\n{% for x in %}\n"
    refused = browser_client.post(url, data={"body": broken, "etag": etag, "csrf_token": token})
    assert refused.status_code == 400 and "Regel 2" in refused.text
    assert html.escape(broken, quote=False) in refused.text
    # Someone else saves first: the text is kept and the next save goes through.
    valid = "<p>Dear {{ request.recipientName }}, about {{ incident.reference }}.</p>"
    other = browser_client.post(url, data={"body": valid + "<p>x</p>", "etag": etag, "csrf_token": token})
    assert other.status_code == 303
    stale = browser_client.post(url, data={"body": valid, "etag": etag, "csrf_token": token})
    assert stale.status_code == 412 and "intussen gewijzigd" in stale.text
    fresh = html.unescape(re.search(r'name="etag" value="([^"]+)"', stale.text).group(1))
    assert (
        browser_client.post(url, data={"body": valid, "etag": fresh, "csrf_token": token}).status_code == 303
    )
    assert html.escape(valid, quote=False) in browser_client.get(url).text


def test_legal_staff_edit_the_whole_pack_as_json(browser_client, tenant, web_app) -> None:
    log_in(browser_client)  # an administrator without the legal role reads the pack, but edits nothing
    assert "/legal/packs/dk/rules/threat" not in browser_client.get("/legal/packs/dk").text
    assert browser_client.get("/legal/packs/dk/json").headers["location"] == "/legal/packs/dk"
    browser_client.cookies.clear()
    add_member(web_app.state.engine, tenant, key="jurist", roles=["legal"])
    token = log_in(browser_client, "jurist@utrecht.example")
    url = "/legal/packs/dk/json"
    page = browser_client.get(url)
    assert page.status_code == 200
    etag = html.unescape(re.search(r'name="etag" value="([^"]+)"', page.text).group(1))
    content = json.loads(
        html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", page.text, re.S).group(1))
    )
    assert content["country"] == "DK" and "version" not in content

    broken = browser_client.post(
        url, data={"content": '{"country": "DK",\n  oops}', "etag": etag, "csrf_token": token}
    )
    assert broken.status_code == 400 and "geen geldige JSON: regel 2" in broken.text
    assert "oops}" in broken.text

    content["behaviours"]["threat"]["articles"][0]["title"]["da"] = ""
    refused = browser_client.post(
        url, data={"content": json.dumps(content), "etag": etag, "csrf_token": token}
    )
    assert refused.status_code == 400
    assert "behaviours/threat/articles/0/title/da: Vul dit veld in." in refused.text

    content["behaviours"]["threat"]["articles"][0]["title"]["da"] = "Trussel"
    content["source"] = "Kommunens egen læsning"
    saved = browser_client.post(url, data={"content": json.dumps(content), "etag": etag, "csrf_token": token})
    assert saved.status_code == 303
    assert "Kommunens egen læsning" in browser_client.get("/legal/packs/dk").text
