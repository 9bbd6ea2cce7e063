"""Idempotency-Key on POST: replay, refusal of another body, in-progress conflict, expiry, scope."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from app.auth.actor import Scope
from app.db import utcnow
from app.idempotency import service as keys
from app.idempotency.models import IdempotencyKey
from app.incident.models import Incident
from tests.fixtures.factories import SECRET, incident_body, make_api_client
from tests.integration.helpers import claim_in_progress


def count(engine, model=Incident) -> int:
    with Session(engine) as session:
        return len(session.exec(select(model)).all())


def post(client, headers, key, body=None, path="/api/v1/incidents"):
    return client.post(path, json=body or incident_body(), headers={**headers, "Idempotency-Key": key})


def test_retry_with_same_key_and_body_replays_the_first_response(client, org, engine):
    headers = make_api_client(engine, org, scopes=[Scope.incidents_write, Scope.incidents_read])
    first = post(client, headers, "push-0001")
    assert first.status_code == 201, first.text
    again = post(client, headers, "push-0001")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["API-Version"] == "1.0.0"
    assert "Idempotent-Replayed" not in first.headers
    assert count(engine) == 1


def test_quoted_key_per_draft_is_the_same_key(client, org, engine):
    first = post(client, org["case_handler"].headers, '"abc-123"')
    again = post(client, org["case_handler"].headers, "abc-123")
    assert first.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert count(engine) == 1


def test_same_key_with_another_body_is_409_and_nothing_is_written(client, org, engine):
    headers = org["case_handler"].headers
    assert post(client, headers, "k-1").status_code == 201
    other = post(client, headers, "k-1", incident_body(title="Something else"))
    assert other.status_code == 409
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["type"].endswith("/api/v1/problems/idempotency-key-reused")
    elsewhere = post(
        client, headers, "k-1", {"name": "x", "scopes": ["incidents:read"]}, "/api/v1/api-clients"
    )
    assert elsewhere.status_code in (403, 409)
    assert count(engine) == 1


def test_retry_while_first_is_in_progress_is_409(client, org, engine):
    headers = org["case_handler"].headers
    body = incident_body()
    # Simulate the first request still running: claim the key as a first request would.
    with Session(engine) as session:
        raw = claim_in_progress(session, org=org, member=org["case_handler"], key="busy", body=body)
    response = client.post(
        "/api/v1/incidents",
        content=raw,
        headers={**headers, "Idempotency-Key": "busy", "Content-Type": "application/json"},
    )
    assert response.status_code == 409
    assert response.json()["type"].endswith("/api/v1/problems/idempotency-key-in-progress")
    assert response.headers["Retry-After"] == "1"
    assert count(engine) == 0


def test_keys_are_scoped_per_caller(client, org, engine):
    assert post(client, org["case_handler"].headers, "shared").status_code == 201
    assert post(client, org["privacy_officer"].headers, "shared").status_code == 201
    assert count(engine) == 2


def test_expired_key_is_forgotten_and_purged(client, org, engine):
    headers = org["case_handler"].headers
    assert post(client, headers, "old").status_code == 201
    with Session(engine) as session:
        session.execute(update(IdempotencyKey).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    again = post(client, headers, "old")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert count(engine) == 2
    with Session(engine) as session:
        session.execute(update(IdempotencyKey).values(expires_at=utcnow() - timedelta(seconds=1)))
        assert keys.purge_expired(session) == 1
        session.commit()
    assert count(engine, IdempotencyKey) == 0


def test_kept_for_24_hours(client, org, engine):
    post(client, org["case_handler"].headers, "ttl")
    with Session(engine) as session:
        row = session.exec(select(IdempotencyKey)).one()
    assert timedelta(hours=23, minutes=59) < row.expires_at - row.created_at <= timedelta(hours=24)


def test_client_errors_are_replayed_but_server_errors_release_the_key(client, org, engine):
    headers = org["case_handler"].headers
    bad = post(client, headers, "bad", {"title": ""})
    assert bad.status_code == 400
    assert post(client, headers, "bad", {"title": ""}).headers["Idempotent-Replayed"] == "true"
    with Session(engine) as session:
        assert session.exec(select(IdempotencyKey)).one().response_status == 400


def test_malformed_key_is_400_and_unauthenticated_is_401(client, org, engine):
    for key in (b"", b"x" * 256, "bad\u00e9".encode(), b"a\\b"):
        response = client.post(
            "/api/v1/incidents",
            json=incident_body(),
            headers={**org["case_handler"].headers, "Idempotency-Key": key},
        )
        assert response.status_code == 400, key
        assert response.headers["content-type"] == "application/problem+json"
    anonymous = client.post("/api/v1/incidents", json=incident_body(), headers={"Idempotency-Key": "a"})
    assert anonymous.status_code == 401
    assert count(engine) == 0 and count(engine, IdempotencyKey) == 0


def test_every_authenticated_post_documents_the_header(client):
    contract = client.get("/api/v1/openapi.json").json()
    for path, item in contract["paths"].items():
        post_op = item.get("post")
        if not post_op or not post_op.get("security"):
            continue
        names = [p["name"] for p in post_op.get("parameters", []) if p["in"] == "header"]
        assert "Idempotency-Key" in names, path
        assert "409" in post_op["responses"], path


def test_organisation_and_caller_are_recorded(client, org, engine):
    post(client, org["case_handler"].headers, "who")
    with Session(engine) as session:
        row = session.exec(select(IdempotencyKey)).one()
    assert row.organisation_id == org.organisation_id
    assert row.caller == f"user:{org['case_handler'].user_id}"
    assert row.status == "completed" and row.path == "/api/v1/incidents"
    assert uuid.UUID(str(row.id))


def test_multipart_fingerprint_ignores_the_boundary_whatever_the_chunking():
    from api.idempotency import BoundaryBlindHash, multipart_boundary

    def body(boundary: bytes) -> bytes:
        return (
            b"--"
            + boundary
            + b"\r\nContent-Disposition: form-data; name=file\r\n\r\nDATA\r\n--"
            + boundary
            + b"--\r\n"
        )

    def digest(boundary: bytes, size: int) -> str:
        sha = BoundaryBlindHash(boundary)
        raw = body(boundary)
        for start in range(0, len(raw), size):
            sha.update(raw[start : start + size])
        return sha.hexdigest()

    results = {digest(b, size) for b in (b"abc123", b"zzzzzzzzzzzzzzzz") for size in (1, 2, 3, 5, 7, 1000)}
    assert len(results) == 1
    other = BoundaryBlindHash(b"abc123")
    other.update(body(b"abc123").replace(b"DATA", b"DATB"))
    assert other.hexdigest() not in results
    assert multipart_boundary('multipart/form-data; boundary="x y"') == b"x y"
    assert multipart_boundary("application/json") is None


def test_a_server_error_releases_the_key_so_the_retry_runs_again(client, org, engine, monkeypatch):
    from app.incident import service as incidents

    real_create = incidents.create
    calls = {"n": 0}

    def flaky_create(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("storage hiccup")
        return real_create(*args, **kwargs)

    monkeypatch.setattr(incidents, "create", flaky_create)
    headers = org["case_handler"].headers
    failed = post(client, headers, "flaky")
    assert failed.status_code == 500
    assert count(engine, IdempotencyKey) == 0
    retried = post(client, headers, "flaky")
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried.headers
    assert post(client, headers, "flaky").headers["Idempotent-Replayed"] == "true"
    assert count(engine) == 1


def test_stored_responses_are_encrypted_and_bound_to_their_row(client, org, engine):
    created = client.post(
        "/api/v1/api-clients",
        json={"name": "GIR", "scopes": ["incidents:read"]},
        headers={**org["admin"].headers, "Idempotency-Key": "new-client"},
    )
    token = created.json()["token"]
    with Session(engine) as session:
        row = session.exec(select(IdempotencyKey)).one()
    assert token.encode() not in row.response_body and b"GIR" not in row.response_body
    assert keys.unseal(SECRET, row.id, row.response_body) == created.content
    assert keys.unseal(SECRET, uuid.uuid4(), row.response_body) is None
    assert keys.unseal("another-secret-key", row.id, row.response_body) is None
    replay = client.post(
        "/api/v1/api-clients",
        json={"name": "GIR", "scopes": ["incidents:read"]},
        headers={**org["admin"].headers, "Idempotency-Key": "new-client"},
    )
    assert replay.json()["token"] == token
