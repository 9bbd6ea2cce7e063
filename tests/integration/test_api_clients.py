"""API clients: created, listed, rotated and revoked by admins; scopes enforced; audited."""

from __future__ import annotations

import uuid

from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.auth.models import ApiClient
from tests.fixtures.factories import incident_body


def create(client, org, scopes=("incidents:read", "incidents:write"), name="GIR koppeling"):
    response = client.post(
        "/api/v1/api-clients", json={"name": name, "scopes": list(scopes)}, headers=org["admin"].headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_admin_creates_client_whose_token_works_within_its_scopes(client, org, engine):
    created = create(client, org, scopes=("incidents:write",))
    assert created["token"].startswith("wbc_")
    assert created["tokenHint"] == created["token"][:8]
    assert created["scopes"] == ["incidents:write"]
    headers = bearer(created["token"])
    assert client.post("/api/v1/incidents", json=incident_body(), headers=headers).status_code == 201
    denied = client.get("/api/v1/incidents", headers=headers)
    assert denied.status_code == 403
    assert denied.headers["content-type"] == "application/problem+json"
    listed = client.get("/api/v1/api-clients", headers=org["admin"].headers).json()
    assert [c["id"] for c in listed] == [created["id"]]
    assert "token" not in listed[0]
    with Session(engine) as session:
        stored = session.get(ApiClient, uuid.UUID(created["id"]))
        assert stored is not None and created["token"] not in stored.token_digest
        actions = [e.action for e in session.exec(select(AuditEvent)).all()]
    assert "api_client.create" in actions


def test_rotation_issues_new_token_and_old_one_stops_working(client, org, engine):
    created = create(client, org)
    url = f"/api/v1/api-clients/{created['id']}/rotations"
    rotated = client.post(url, headers=org["admin"].headers)
    assert rotated.status_code == 200, rotated.text
    new_token = rotated.json()["token"]
    assert new_token != created["token"]
    assert client.get("/api/v1/incidents", headers=bearer(created["token"])).status_code == 401
    assert client.get("/api/v1/incidents", headers=bearer(new_token)).status_code == 200
    with Session(engine) as session:
        assert "api_client.rotate" in [e.action for e in session.exec(select(AuditEvent)).all()]


def test_revoked_client_gets_401_and_cannot_be_rotated(client, org, engine):
    created = create(client, org)
    url = f"/api/v1/api-clients/{created['id']}"
    assert client.delete(url, headers=org["admin"].headers).status_code == 204
    assert client.delete(url, headers=org["admin"].headers).status_code == 204
    response = client.get("/api/v1/incidents", headers=bearer(created["token"]))
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert client.get(url, headers=org["admin"].headers).json()["revokedAt"] is not None
    rotated = client.post(f"{url}/rotations", headers=org["admin"].headers)
    assert rotated.status_code == 409
    with Session(engine) as session:
        assert [e.action for e in session.exec(select(AuditEvent)).all()].count("api_client.revoke") == 1


def test_unknown_scope_and_empty_name_are_400_and_nothing_is_written(client, org, engine):
    response = client.post(
        "/api/v1/api-clients",
        json={"name": "", "scopes": ["incidents:read", "everything:root"]},
        headers=org["admin"].headers,
    )
    assert response.status_code == 400
    names = {e["name"] for e in response.json()["errors"]}
    assert names == {"name", "scopes/1"}
    empty = client.post("/api/v1/api-clients", json={"name": "x", "scopes": []}, headers=org["admin"].headers)
    assert empty.status_code == 400
    with Session(engine) as session:
        assert session.exec(select(ApiClient)).all() == []


def test_only_admins_manage_clients_and_other_organisations_see_404(client, org, other_org):
    created = create(client, org)
    for role in ("case_handler", "privacy_officer", "employee", "auditor"):
        assert client.get("/api/v1/api-clients", headers=org[role].headers).status_code == 403
        response = client.post(
            "/api/v1/api-clients", json={"name": "x", "scopes": ["incidents:read"]}, headers=org[role].headers
        )
        assert response.status_code == 403
    # An API client never manages API clients, whatever its scopes.
    as_client = client.get("/api/v1/api-clients", headers=bearer(created["token"]))
    assert as_client.status_code == 403
    url = f"/api/v1/api-clients/{created['id']}"
    assert client.get(url, headers=other_org["admin"].headers).status_code == 404
    assert client.delete(url, headers=other_org["admin"].headers).status_code == 404
    assert client.post(f"{url}/rotations", headers=other_org["admin"].headers).status_code == 404
    assert client.get("/api/v1/api-clients", headers=other_org["admin"].headers).json() == []


def test_contract_documents_required_scopes(client):
    contract = client.get("/api/v1/openapi.json").json()
    for path, item in contract["paths"].items():
        if not path.startswith(("/api-clients", "/webhook-subscriptions", "/exports", "/statistics")):
            continue
        for method, operation in item.items():
            assert "x-required-scopes" in operation, (method, path)
            assert "Access:" in operation["description"], (method, path)
    assert contract["paths"]["/exports/gir"]["get"]["x-required-scopes"] == ["exports:read"]


def test_last_use_is_recorded(client, org):
    created = create(client, org)
    assert created["lastUsedAt"] is None
    client.get("/api/v1/incidents", headers=bearer(created["token"]))
    got = client.get(f"/api/v1/api-clients/{created['id']}", headers=org["admin"].headers).json()
    assert got["lastUsedAt"] is not None


def test_every_secured_operation_names_its_scope_and_clients_without_it_get_403(client, org, engine):
    from app.auth.actor import ALL_SCOPES, Scope
    from tests.fixtures.factories import make_api_client

    contract = client.get("/api/v1/openapi.json").json()
    checked = 0
    for path, item in contract["paths"].items():
        for method, operation in item.items():
            if not operation.get("security"):
                continue
            assert "x-required-scopes" in operation, (method, path)
            needed = operation["x-required-scopes"]
            if method != "get" or "{" in path or not needed:
                continue
            others = [s for s in ALL_SCOPES if s.value not in needed]
            response = client.get(f"/api/v1{path}", headers=make_api_client(engine, org, scopes=others))
            assert response.status_code == 403, (path, response.text)
            allowed = client.get(
                f"/api/v1{path}", headers=make_api_client(engine, org, scopes=[Scope(n) for n in needed])
            )
            assert allowed.status_code == 200, (path, allowed.text)
            checked += 1
    assert checked >= 8
    without_write = make_api_client(engine, org, scopes=[s for s in ALL_SCOPES if s != Scope.incidents_write])
    assert client.post("/api/v1/incidents", json=incident_body(), headers=without_write).status_code == 403
