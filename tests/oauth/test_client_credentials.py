"""OAuth2 client credentials: secrets, access tokens, scopes, expiry, rotation with overlap."""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.auth import oauth
from app.auth.actor import Scope
from app.auth.models import AccessToken, ApiClient
from app.db import utcnow
from tests.fixtures.factories import incident_body

TOKEN_URL = "/api/v1/oauth/token"


def create_client(client, org, scopes=("incidents:read", "incidents:write")):
    response = client.post(
        "/api/v1/api-clients",
        json={"name": "GIR koppeling", "scopes": list(scopes)},
        headers=org["admin"].headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def token_request(client, data, headers=None):
    return client.post(TOKEN_URL, data=data, headers=headers or {})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def move_clock(monkeypatch, by: timedelta) -> None:
    """Move the clock of the OAuth2 code forward (no sleeping)."""
    later = utcnow() + by
    monkeypatch.setattr(oauth, "utcnow", lambda: later)


def test_client_gets_a_token_by_basic_or_body_and_uses_it_within_its_scopes(client, org, engine):
    created = create_client(client, org)
    assert created["clientSecret"].startswith("wbk_")
    assert created["secretHint"] == created["clientSecret"][:8]
    assert created["token"].startswith("wbc_")  # the static token, deprecated

    by_basic = token_request(
        client, {"grant_type": "client_credentials"}, basic(created["id"], created["clientSecret"])
    )
    assert by_basic.status_code == 200, by_basic.text
    assert by_basic.headers["cache-control"] == "no-store"
    assert by_basic.headers["content-type"] == "application/json"
    grant = by_basic.json()
    assert grant["token_type"] == "Bearer"
    assert grant["expires_in"] == 900
    assert grant["scope"] == "incidents:read incidents:write"
    assert grant["access_token"].startswith("wba_")

    by_body = token_request(
        client,
        {
            "grant_type": "client_credentials",
            "client_id": created["id"],
            "client_secret": created["clientSecret"],
        },
    )
    assert by_body.status_code == 200, by_body.text

    headers = bearer(grant["access_token"])
    made = client.post("/api/v1/incidents", json=incident_body(), headers=headers)
    assert made.status_code == 201, made.text
    assert client.get("/api/v1/incidents", headers=headers).status_code == 200
    assert client.get("/api/v1/audit-events", headers=headers).status_code == 403
    # The static token of the same client keeps working.
    assert client.get("/api/v1/incidents", headers=bearer(created["token"])).status_code == 200

    with Session(engine) as session:
        stored = session.exec(select(AccessToken)).all()
        assert len(stored) == 2
        assert all(grant["access_token"] not in row.token_digest for row in stored)
        row = session.get(ApiClient, uuid.UUID(created["id"]))
        assert row is not None and row.secret_digest and created["clientSecret"] not in row.secret_digest
        issued = [e for e in session.exec(select(AuditEvent)).all() if e.action == "oauth_token.create"]
    assert [e.result for e in issued] == ["success", "success"]
    assert issued[0].details["scopes"] == ["incidents:read", "incidents:write"]


def test_scope_narrows_the_grant_and_a_scope_beyond_the_client_is_invalid_scope(client, org):
    created = create_client(client, org)
    auth = basic(created["id"], created["clientSecret"])
    narrowed = token_request(client, {"grant_type": "client_credentials", "scope": "incidents:read"}, auth)
    assert narrowed.status_code == 200, narrowed.text
    assert narrowed.json()["scope"] == "incidents:read"
    headers = bearer(narrowed.json()["access_token"])
    assert client.get("/api/v1/incidents", headers=headers).status_code == 200
    assert client.post("/api/v1/incidents", json=incident_body(), headers=headers).status_code == 403

    beyond = token_request(
        client, {"grant_type": "client_credentials", "scope": "incidents:read audit:read"}, auth
    )
    assert beyond.status_code == 400
    assert beyond.json()["error"] == "invalid_scope"
    assert beyond.json()["status"] == 400  # the problem members come along


@pytest.mark.parametrize(
    ("data", "error", "status"),
    [
        ({"grant_type": "password"}, "unsupported_grant_type", 400),
        ({}, "invalid_request", 400),
        ({"grant_type": "client_credentials"}, "invalid_client", 401),
    ],
    ids=["password-grant", "no-grant-type", "no-client"],
)
def test_malformed_requests_get_rfc6749_errors(client, org, data, error, status):
    response = token_request(client, data)
    assert response.status_code == status
    body = response.json()
    assert body["error"] == error
    assert body["error_description"]
    assert response.headers["cache-control"] == "no-store"


def test_wrong_secret_unknown_client_and_revoked_client_are_invalid_client(client, org, engine):
    created = create_client(client, org)
    wrong = token_request(client, {"grant_type": "client_credentials"}, basic(created["id"], "wbk_not-it"))
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    assert wrong.headers["www-authenticate"].startswith("Basic")
    unknown = token_request(client, {"grant_type": "client_credentials"}, basic(str(uuid.uuid4()), "x"))
    assert unknown.status_code == 401 and unknown.json()["error"] == "invalid_client"
    # The problem media type on request, with the same members.
    as_problem = client.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials"},
        headers={**basic(created["id"], "nope"), "Accept": "application/problem+json"},
    )
    assert as_problem.headers["content-type"] == "application/problem+json"
    assert as_problem.json()["error"] == "invalid_client"

    good = token_request(
        client, {"grant_type": "client_credentials"}, basic(created["id"], created["clientSecret"])
    )
    access = good.json()["access_token"]
    assert (
        client.delete(f"/api/v1/api-clients/{created['id']}", headers=org["admin"].headers).status_code == 204
    )
    assert client.get("/api/v1/incidents", headers=bearer(access)).status_code == 401
    revoked = token_request(
        client, {"grant_type": "client_credentials"}, basic(created["id"], created["clientSecret"])
    )
    assert revoked.status_code == 401 and revoked.json()["error"] == "invalid_client"
    with Session(engine) as session:
        results = [
            e.result for e in session.exec(select(AuditEvent)).all() if e.action == "oauth_token.create"
        ]
    assert results.count("failure") == 3  # wrong secret, the problem request, the revoked client


def test_access_token_expires_after_its_lifetime(client, org, monkeypatch):
    created = create_client(client, org)
    grant = token_request(
        client, {"grant_type": "client_credentials"}, basic(created["id"], created["clientSecret"])
    )
    headers = bearer(grant.json()["access_token"])
    move_clock(monkeypatch, timedelta(minutes=14, seconds=50))
    assert client.get("/api/v1/incidents", headers=headers).status_code == 200
    move_clock(monkeypatch, timedelta(minutes=15, seconds=1))
    expired = client.get("/api/v1/incidents", headers=headers)
    assert expired.status_code == 401
    assert "expired" in expired.json()["detail"]


def test_lifetime_follows_the_setting(settings, client, org):
    settings.oauth_access_token_minutes = 5  # the app reads its settings object per request
    created = create_client(client, org)
    grant = token_request(
        client, {"grant_type": "client_credentials"}, basic(created["id"], created["clientSecret"])
    )
    assert grant.json()["expires_in"] == 300


def test_secret_rotation_keeps_the_old_secret_until_the_overlap_ends(client, org, engine, monkeypatch):
    created = create_client(client, org)
    old = created["clientSecret"]
    url = f"/api/v1/api-clients/{created['id']}/secret-rotations"
    rotated = client.post(url, json={"overlapMinutes": 60}, headers=org["admin"].headers)
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["clientSecret"]
    assert new != old and rotated.json()["previousSecretExpiresAt"] is not None
    listed = client.get(f"/api/v1/api-clients/{created['id']}", headers=org["admin"].headers).json()
    assert listed["previousSecretExpiresAt"] == rotated.json()["previousSecretExpiresAt"]
    assert "clientSecret" not in listed

    form = {"grant_type": "client_credentials"}
    assert token_request(client, form, basic(created["id"], old)).status_code == 200
    assert token_request(client, form, basic(created["id"], new)).status_code == 200
    move_clock(monkeypatch, timedelta(minutes=59))
    assert token_request(client, form, basic(created["id"], old)).status_code == 200
    move_clock(monkeypatch, timedelta(minutes=61))
    ended = token_request(client, form, basic(created["id"], old))
    assert ended.status_code == 401 and ended.json()["error"] == "invalid_client"
    assert token_request(client, form, basic(created["id"], new)).status_code == 200

    # Without a body the setting's overlap (24 h) applies; overlap 0 ends the current secret at once.
    again = client.post(url, headers=org["admin"].headers)
    assert again.status_code == 200, again.text
    at_once = client.post(url, json={"overlapMinutes": 0}, headers=org["admin"].headers)
    assert at_once.json()["previousSecretExpiresAt"] is None
    assert token_request(client, form, basic(created["id"], again.json()["clientSecret"])).status_code == 401
    with Session(engine) as session:
        actions = [e.action for e in session.exec(select(AuditEvent)).all()]
    assert actions.count("api_client.secret_rotate") == 3


def test_only_admins_manage_secrets_and_other_organisations_see_404(client, org, other_org):
    created = create_client(client, org)
    url = f"/api/v1/api-clients/{created['id']}/secret-rotations"
    assert client.post(url, headers=org["case_handler"].headers).status_code == 403
    assert client.post(url, headers=other_org["admin"].headers).status_code == 404
    bad = client.post(url, json={"overlapMinutes": -1}, headers=org["admin"].headers)
    assert bad.status_code == 400


def test_a_client_from_before_oauth_has_no_secret_until_rotated(client, org, engine):
    from tests.fixtures.factories import make_api_client

    static = make_api_client(engine, org, scopes=[Scope.incidents_read])
    listed = client.get("/api/v1/api-clients", headers=org["admin"].headers).json()
    old = next(c for c in listed if c["secretHint"] is None)
    assert client.get("/api/v1/incidents", headers=static).status_code == 200
    form = {"grant_type": "client_credentials"}
    assert token_request(client, form, basic(old["id"], "")).status_code == 401
    first = client.post(f"/api/v1/api-clients/{old['id']}/secret-rotations", headers=org["admin"].headers)
    assert first.status_code == 200 and first.json()["previousSecretExpiresAt"] is None
    assert token_request(client, form, basic(old["id"], first.json()["clientSecret"])).status_code == 200
