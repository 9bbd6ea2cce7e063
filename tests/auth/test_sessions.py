"""Login, logout, throttling, token validity and API client scopes."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.auth.actor import Scope
from app.auth.models import AuthSession
from app.db import utcnow
from tests.fixtures.factories import PASSWORD, incident_body, make_api_client


def login(client, email: str, password: str = PASSWORD):
    return client.post("/api/v1/sessions", json={"email": email, "password": password})


def test_login_returns_a_bearer_token_that_works(client, org):
    response = login(client, org["employee"].email.upper())
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["tokenType"] == "Bearer"
    assert body["expiresAt"].endswith("Z")
    assert body["user"]["roles"] == ["employee"]
    headers = {"Authorization": f"Bearer {body['token']}"}
    me = client.get("/api/v1/users/current", headers=headers)
    assert me.status_code == 200
    assert me.json()["email"] == org["employee"].email
    assert "passwordHash" not in me.json()


def test_logout_ends_the_session(client, org):
    token = login(client, org["employee"].email).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.delete("/api/v1/sessions/current", headers=headers).status_code == 204
    assert client.get("/api/v1/users/current", headers=headers).status_code == 401


def test_wrong_password_is_401_and_audited(client, org, engine):
    response = login(client, org["employee"].email, "wrong password!")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    with Session(engine) as session:
        failures = session.exec(
            select(AuditEvent).where(AuditEvent.action == "session.create", AuditEvent.result == "failure")
        ).all()
    assert len(failures) == 1
    assert failures[0].actor_label == org["employee"].email
    assert failures[0].organisation_id == org.organisation_id


def test_unknown_email_is_the_same_401_and_audited(client, org, engine):
    response = login(client, "nobody@nowhere.example")
    assert response.status_code == 401
    assert response.json()["detail"] == login(client, org["employee"].email, "nope").json()["detail"]
    with Session(engine) as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.chain == "system")).first() is not None


def test_repeated_failures_lock_the_address_for_that_account_not_the_account(app, client, org, engine):
    email = org["employee"].email
    for _ in range(5):
        assert login(client, email, "wrong password!").status_code == 401
    throttled = login(client, email)
    assert throttled.status_code == 429
    assert throttled.headers["content-type"] == "application/problem+json"
    assert int(throttled.headers["Retry-After"]) > 0
    # Another account from the same address is not affected ...
    assert login(client, org["manager"].email).status_code == 201
    # ... nor is the user logging in from their own address: a stranger cannot lock them out.
    own = TestClient(app, raise_server_exceptions=False, client=("198.51.100.7", 50000))
    assert login(own, email).status_code == 201
    with Session(engine) as session:
        results = session.exec(
            select(AuditEvent.result).where(
                AuditEvent.action == "session.create", AuditEvent.actor_label == email
            )
        ).all()
    assert sorted(results) == ["failure"] * 5 + ["success", "throttled"]


def test_a_password_spray_from_one_address_locks_that_address(app, client, org, settings):
    settings.login_max_address_failures = 3
    for role in ("employee", "manager", "legal"):
        assert login(client, org[role].email, "wrong password!").status_code == 401
    # The address is locked, whichever account it tries next, even with the right password.
    spray = login(client, org["admin"].email)
    assert spray.status_code == 429
    assert int(spray.headers["Retry-After"]) > 0
    other = TestClient(app, raise_server_exceptions=False, client=("2001:db8:1:2::5", 50000))
    assert login(other, org["admin"].email).status_code == 201
    # IPv6 counts per /64: another address in the same prefix shares the counter.
    neighbour = TestClient(app, raise_server_exceptions=False, client=("2001:db8:1:2::99", 50000))
    for _ in range(3):
        assert login(neighbour, "nobody@nowhere.example", "nope").status_code == 401
    assert login(other, org["admin"].email).status_code == 429


def test_missing_malformed_forged_and_expired_tokens_are_401(client, org, engine):
    url = "/api/v1/incidents"
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"Authorization": "Basic abc"}).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer wbs_forged"}).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer something"}).status_code == 401
    with Session(engine) as session:
        for auth_session in session.exec(select(AuthSession)).all():
            auth_session.expires_at = utcnow() - timedelta(seconds=1)
            session.add(auth_session)
        session.commit()
    expired = client.get(url, headers=org["employee"].headers)
    assert expired.status_code == 401
    assert "expired" in expired.json()["detail"]


def test_api_client_scopes_are_enforced(client, org, engine):
    reader = make_api_client(engine, org, scopes=[Scope.incidents_read])
    writer = make_api_client(engine, org, scopes=[Scope.incidents_read, Scope.incidents_write])
    assert client.post("/api/v1/incidents", json=incident_body(), headers=reader).status_code == 403
    created = client.post("/api/v1/incidents", json=incident_body(), headers=writer)
    assert created.status_code == 201
    assert created.json()["reportedBy"]["kind"] == "apiClient"
    assert client.get("/api/v1/incidents", headers=reader).json()["items"][0]["id"] == created.json()["id"]
    assert client.get("/api/v1/audit-events", headers=reader).status_code == 403
    assert client.delete("/api/v1/sessions/current", headers=reader).status_code == 400


def test_users_admin_only_create(client, org):
    body = {"email": "new@utrecht.example", "password": "a long enough password", "roles": ["manager"]}
    assert client.post("/api/v1/users", json=body, headers=org["case_handler"].headers).status_code == 403
    created = client.post("/api/v1/users", json=body, headers=org["admin"].headers)
    assert created.status_code == 201, created.text
    again = client.post("/api/v1/users", json=body, headers=org["admin"].headers)
    assert again.status_code == 409
    weak = client.post(
        "/api/v1/users",
        json={**body, "email": "x@y.example", "password": "short"},
        headers=org["admin"].headers,
    )
    assert weak.status_code == 400
    assert weak.json()["errors"][0]["name"] == "password"
    assert client.get("/api/v1/users", headers=org["employee"].headers).status_code == 403
    listed = client.get("/api/v1/users", headers=org["admin"].headers).json()
    assert "new@utrecht.example" in {u["email"] for u in listed}
