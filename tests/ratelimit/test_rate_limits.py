"""Rate limits: per API client and per staff session, per address before login; 429 and IETF headers."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.ratelimit import Limiter, Policy
from app.auth.actor import Scope
from app.config import Settings
from tests.fixtures.factories import add_member, make_api_client, make_tenant
from tests.web.helpers import log_in
from web.main import create_web


class Clock:
    """A clock the test moves (no sleeping)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Small limits, so that a test reaches them in a few requests."""
    settings.rate_limit_client_requests = 3
    settings.rate_limit_address_requests = 2
    settings.rate_limit_window_seconds = 60
    return settings


@pytest.fixture
def clock(app: FastAPI) -> Clock:
    fake = Clock()
    limits_of(app).limiter.clock = fake
    return fake


def limits_of(app: FastAPI):
    api = next(r.app for r in app.routes if getattr(r, "path", "") == "/api/v1")
    return api.state.limits


def test_token_bucket_counts_refills_and_says_when_to_retry():
    clock = Clock()
    limiter = Limiter(clock=clock)
    policy = Policy("client", 3, 60)
    seen = [limiter.take(policy, "a") for _ in range(3)]
    assert [d.remaining for d in seen] == [2, 1, 0]
    assert all(d.allowed for d in seen)
    refused = limiter.take(policy, "a")
    assert not refused.allowed and refused.retry_after == 20 and refused.reset == 60
    assert limiter.take(policy, "b").allowed  # another key has its own bucket
    clock.now += 20
    assert limiter.take(policy, "a").allowed
    assert not limiter.take(policy, "a").allowed
    assert refused.headers() == {
        "RateLimit-Policy": '"client";q=3;w=60',
        "RateLimit": '"client";r=0;t=60',
        "Retry-After": "20",
    }


def test_forgotten_buckets_stay_bounded():
    clock = Clock()
    limiter = Limiter(clock=clock, max_keys=100)
    policy = Policy("address", 2, 60)
    for n in range(1000):
        limiter.take(policy, f"10.0.{n // 250}.{n % 250}")
    assert len(limiter._full_at) <= 100


def test_staff_sessions_have_their_own_buckets_with_headers_and_429(client, org, clock):
    handler, employee = org["case_handler"].headers, org["employee"].headers
    answers = [client.get("/api/v1/incidents", headers=handler) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[0].headers["RateLimit-Policy"] == '"client";q=3;w=60'
    assert [a.headers["RateLimit"] for a in answers] == [
        '"client";r=2;t=20',
        '"client";r=1;t=40',
        '"client";r=0;t=60',
    ]
    refused = client.get("/api/v1/incidents", headers=handler)
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["Retry-After"] == "20"
    assert refused.headers["RateLimit"] == '"client";r=0;t=60'
    assert refused.json()["status"] == 429
    # Every request of the test client comes from one address: the employee is not affected.
    assert client.get("/api/v1/incidents", headers=employee).status_code == 200
    # Errors count and carry the headers too; a change is refused the same way.
    assert client.post("/api/v1/incidents", json={}, headers=handler).status_code == 429
    clock.now += 20
    again = client.get("/api/v1/incidents", headers=handler)
    assert again.status_code == 200 and again.headers["RateLimit"] == '"client";r=0;t=60'
    # No caller, no bucket: a 401 carries no rate-limit headers.
    assert "RateLimit" not in client.get("/api/v1/incidents").headers


def test_an_api_client_has_one_bucket_for_its_static_and_access_tokens(client, org, engine, clock):
    created = client.post(
        "/api/v1/api-clients",
        json={"name": "Monitor", "scopes": ["incidents:read"]},
        headers=org["admin"].headers,
    ).json()
    raw = base64.b64encode(f"{created['id']}:{created['clientSecret']}".encode()).decode()
    granted = client.post(
        "/api/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {raw}"},
        # The token endpoint counts per address; this one has its own.
    )
    assert granted.status_code == 200, granted.text
    access = {"Authorization": f"Bearer {granted.json()['access_token']}"}
    static = {"Authorization": f"Bearer {created['token']}"}
    codes = [client.get("/api/v1/incidents", headers=h).status_code for h in (access, static, access, static)]
    assert codes == [200, 200, 200, 429]
    other = make_api_client(engine, org, scopes=[Scope.incidents_read])
    assert client.get("/api/v1/incidents", headers=other).status_code == 200


def test_login_and_token_endpoint_count_per_address(app, org, clock):
    one = TestClient(app, raise_server_exceptions=False, client=("203.0.113.7", 50000))
    other = TestClient(app, raise_server_exceptions=False, client=("198.51.100.9", 50000))
    wrong = {"email": org["employee"].email, "password": "not the password at all"}
    first = [one.post("/api/v1/sessions", json=wrong) for _ in range(2)]
    assert [r.status_code for r in first] == [401, 401]
    assert first[1].headers["RateLimit-Policy"] == '"address";q=2;w=60'
    assert first[1].headers["RateLimit"] == '"address";r=0;t=60'
    refused = one.post("/api/v1/sessions", json=wrong)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "30"
    assert refused.headers["content-type"] == "application/problem+json"
    assert other.post("/api/v1/sessions", json=wrong).status_code == 401
    # The token endpoint has a bucket of its own per address.
    token = [one.post("/api/v1/oauth/token", data={"grant_type": "client_credentials"}) for _ in range(3)]
    assert [r.status_code for r in token] == [401, 401, 429]
    assert token[2].headers["RateLimit-Policy"] == '"address";q=2;w=60'
    clock.now += 30
    assert one.post("/api/v1/sessions", json=wrong).status_code == 401


def test_limits_can_be_turned_off(app, client, org):
    limits_of(app).__dict__["enabled"] = False  # frozen dataclass: as a deployment with the setting off
    answers = [client.get("/api/v1/incidents", headers=org["employee"].headers) for _ in range(5)]
    assert {a.status_code for a in answers} == {200}
    assert "RateLimit" not in answers[0].headers


@pytest.fixture
def web_app(settings: Settings) -> Iterator[FastAPI]:
    """API and UI in one app; the UI reaches the API in-process, all from one address."""
    settings.rate_limit_client_requests = 12
    settings.rate_limit_address_requests = 5
    web = create_web(api_url="http://testserver/api/v1", secret_key=settings.resolved_secret_key())
    application = create_app_with(settings, web)
    web.state.transport = httpx.ASGITransport(app=application)
    yield application
    application.state.engine.dispose()


def create_app_with(settings: Settings, web: FastAPI) -> FastAPI:
    from api.main import create_app

    return create_app(settings, web=web)


PAGE = "/account"  # one page of the UI: a few API calls with the user's session token


def test_web_ui_users_do_not_share_one_bucket(web_app):
    tenant = make_tenant(web_app.state.engine, slug="utrecht", roles=("employee",))
    add_member(web_app.state.engine, tenant, key="coordinator", roles=["case_handler", "admin"])
    first = TestClient(web_app, raise_server_exceptions=False, follow_redirects=False)
    second = TestClient(web_app, raise_server_exceptions=False, follow_redirects=False)
    log_in(first, "coordinator@utrecht.example")
    log_in(second, "employee@utrecht.example")
    statuses = [first.get(PAGE).status_code for _ in range(12)]
    assert statuses[0] == 200
    assert statuses[-1] != 200  # the first user's session has used up its bucket
    assert second.get(PAGE).status_code == 200  # the second user, through the same UI server, has not
    buckets = [k for k in limits_of(web_app).limiter._full_at if k.startswith("client\nsession:")]
    assert len(buckets) == 2
