"""Uploading evidence: streamed, hashed, sniffed, deduplicated; bad input keeps nothing."""

from __future__ import annotations

import hashlib

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.auth.actor import Scope
from app.evidence.models import CustodyEvent
from tests.evidence.helpers import (
    assert_nothing_stored,
    assert_problem,
    create_incident,
    png,
    upload,
    visible_objects,
)
from tests.fixtures.factories import make_api_client

BOTH_STORES = pytest.mark.parametrize("store_kind", ["filesystem", "s3"], indirect=True)


@BOTH_STORES
def test_upload_stores_file_with_hash_size_and_sniffed_type(client, org, app, engine, store_kind):
    incident = create_incident(client, org["employee"])
    content = png(seed=7)
    response = upload(
        client,
        incident["id"],
        org["employee"],
        content,
        filename="screenshot.jpg",
        content_type="image/jpeg",
        fields={
            "kind": "screenshot",
            "capturedAt": "2026-03-02T10:00:00+01:00",
            "sourceUrl": "https://facebook.com/gemeente/posts/1",
            "accountHandle": "@angry",
            "description": "Comment under the post",
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["size"] == len(content)
    assert body["contentType"] == "image/png"
    assert body["claimedContentType"] == "image/jpeg"
    assert body["filename"] == "screenshot.jpg"
    assert body["capturedAt"] == "2026-03-02T09:00:00Z"
    assert body["sourceUrl"] == "https://facebook.com/gemeente/posts/1"
    assert body["uploadedBy"] == {"kind": "user", "id": str(org["employee"].user_id)}
    assert body["legalHold"] is False
    assert response.headers["Location"] == f"/api/v1/evidence/{body['id']}"
    assert visible_objects(app.state.store) == [f"{org.organisation_id}/{incident['id']}/{body['id']}"]
    with Session(engine) as session:
        custody = session.exec(select(CustodyEvent)).all()
        assert [c.kind for c in custody] == ["uploaded"]
        actions = session.exec(select(AuditEvent.action).where(AuditEvent.object_id == body["id"])).all()
        assert "evidence.uploaded" in actions


def test_kind_defaults_from_the_sniffed_type(client, org):
    incident = create_incident(client, org["employee"])
    text = upload(client, incident["id"], org["employee"], b"Just a note\n", filename="n.txt")
    assert text.json()["kind"] == "document"
    assert text.json()["contentType"] == "text/plain"
    eml = b"From: a@example.org\r\nTo: b@example.org\r\nSubject: you\r\n\r\nThreat.\r\n"
    mail = upload(client, incident["id"], org["employee"], eml, filename="m.eml")
    assert (mail.json()["kind"], mail.json()["contentType"]) == ("email", "message/rfc822")
    page = upload(client, incident["id"], org["employee"], b"<!DOCTYPE html><html><body>x</body></html>")
    assert (page.json()["kind"], page.json()["contentType"]) == ("web_capture", "text/html")


def test_same_file_twice_in_one_incident_returns_the_existing_item(client, org, app, engine):
    incident = create_incident(client, org["employee"])
    first = upload(client, incident["id"], org["employee"])
    again = upload(client, incident["id"], org["case_handler"], filename="other-name.png")
    assert first.status_code == 201
    assert again.status_code == 200, again.text
    assert again.json()["id"] == first.json()["id"]
    assert len(visible_objects(app.state.store)) == 1
    other_incident = create_incident(client, org["employee"])
    elsewhere = upload(client, other_incident["id"], org["employee"])
    assert elsewhere.status_code == 201
    assert elsewhere.json()["id"] != first.json()["id"]


def test_api_client_needs_evidence_write_scope(client, org, engine):
    incident = create_incident(client, org["case_handler"])
    reader = make_api_client(engine, org, scopes=[Scope.incidents_read, Scope.evidence_read])
    assert_problem(upload(client, incident["id"], reader), 403)
    writer = make_api_client(engine, org, scopes=[Scope.incidents_read, Scope.evidence_write])
    response = upload(client, incident["id"], writer)
    assert response.status_code == 201, response.text
    assert response.json()["uploadedBy"]["kind"] == "apiClient"


# --- bad input: a clear problem and nothing kept ---------------------------------------------


@BOTH_STORES
def test_upload_to_unknown_or_foreign_incident_is_not_found(client, org, other_org, app, engine, store_kind):
    theirs = create_incident(client, other_org["case_handler"])
    assert_problem(upload(client, theirs["id"], org["case_handler"]), 404)
    assert_problem(upload(client, "00000000-0000-4000-8000-000000000000", org["case_handler"]), 404)
    assert_nothing_stored(app, engine)


@BOTH_STORES
def test_upload_to_incident_outside_need_to_know_is_not_found(client, org, app, engine, store_kind):
    incident = create_incident(client, org["case_handler"])
    assert_problem(upload(client, incident["id"], org["employee"]), 404)
    assert_nothing_stored(app, engine)


@BOTH_STORES
def test_upload_without_file_part_is_refused(client, org, app, engine, store_kind):
    incident = create_incident(client, org["employee"])
    response = client.post(
        f"/api/v1/incidents/{incident['id']}/evidence",
        files={"attachment": ("x.png", png(), "image/png")},
        headers=org["employee"].headers,
    )
    assert_problem(response, 400, "file")
    assert_nothing_stored(app, engine)


@BOTH_STORES
def test_empty_file_is_refused(client, org, app, engine, store_kind):
    incident = create_incident(client, org["employee"])
    assert_problem(upload(client, incident["id"], org["employee"], b""), 400, "file")
    assert_nothing_stored(app, engine)


@BOTH_STORES
def test_type_outside_the_allow_list_is_unsupported(client, org, app, engine, store_kind):
    incident = create_incident(client, org["employee"])
    elf = b"\x7fELF\x02\x01\x01" + b"\x00" * 200
    body = assert_problem(
        upload(client, incident["id"], org["employee"], elf, filename="x.png", content_type="image/png"),
        415,
        "file",
    )
    assert "application/x-executable" in body["detail"]
    plain_zip = b"PK\x03\x04\x14\x00\x00\x00\x00\x00" + b"\x00" * 16 + b"\x05\x00\x00\x00hello" + b"\x00" * 64
    assert_problem(upload(client, incident["id"], org["employee"], plain_zip, filename="a.zip"), 415)
    assert_nothing_stored(app, engine)


@BOTH_STORES
def test_file_over_the_limit_is_stopped_while_streaming(client, org, app, engine, store_kind):
    incident = create_incident(client, org["employee"])
    app.state.settings.max_evidence_bytes = 1_000_000
    big = png() + b"\x00" * 1_500_000
    body = assert_problem(upload(client, incident["id"], org["employee"], big), 413, "file")
    assert "1000000" in body["detail"]
    assert_nothing_stored(app, engine)


@BOTH_STORES
def test_body_over_the_transport_limit_is_refused_up_front(client, org, app, engine, store_kind):
    incident = create_incident(client, org["employee"])
    response = client.post(
        f"/api/v1/incidents/{incident['id']}/evidence",
        content=b"x" * 10,
        headers={
            **org["employee"].headers,
            "content-type": "multipart/form-data; boundary=b",
            "content-length": str(app.state.settings.max_evidence_bytes + 2 * 1024 * 1024),
        },
    )
    assert_problem(response, 413)
    assert_nothing_stored(app, engine)


@BOTH_STORES
def test_truncated_multipart_body_keeps_nothing(client, org, app, engine, store_kind):
    incident = create_incident(client, org["employee"])
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
        b"Content-Type: image/png\r\n\r\n" + png() + b"\x00" * 2_000_000
    )
    response = client.post(
        f"/api/v1/incidents/{incident['id']}/evidence",
        content=body,
        headers={**org["employee"].headers, "content-type": "multipart/form-data; boundary=XyZ"},
    )
    assert_problem(response, 400, "body")
    assert_nothing_stored(app, engine)


@BOTH_STORES
def test_multipart_without_boundary_is_refused(client, org, app, engine, store_kind):
    incident = create_incident(client, org["employee"])
    response = client.post(
        f"/api/v1/incidents/{incident['id']}/evidence",
        content=b"--x\r\n",
        headers={**org["employee"].headers, "content-type": "multipart/form-data"},
    )
    assert_problem(response, 400, "Content-Type")
    assert_nothing_stored(app, engine)


@BOTH_STORES
def test_invalid_fields_are_all_listed_and_nothing_is_kept(client, org, app, engine, store_kind):
    incident = create_incident(client, org["employee"])
    response = upload(
        client,
        incident["id"],
        org["employee"],
        fields={
            "capturedAt": "2999-01-01T00:00:00Z",
            "sourceUrl": "javascript:alert(1)",
            "kind": "selfie",
            "colour": "red",
        },
    )
    body = assert_problem(response, 400)
    assert {e["name"] for e in body["errors"]} == {"capturedAt", "sourceUrl", "kind", "colour"}
    assert_nothing_stored(app, engine)


@BOTH_STORES
def test_fields_after_the_file_are_checked_too(client, org, app, engine, store_kind):
    incident = create_incident(client, org["employee"])
    boundary = "B0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        f"Content-Type: text/plain\r\n\r\nhello\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="sourceUrl"\r\n\r\nftp://x.example/\r\n'
        f"--{boundary}--\r\n"
    ).encode()
    response = client.post(
        f"/api/v1/incidents/{incident['id']}/evidence",
        content=body,
        headers={**org["employee"].headers, "content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert_problem(response, 400, "sourceUrl")
    assert_nothing_stored(app, engine)


@BOTH_STORES
def test_path_in_filename_keeps_only_a_safe_base_name(client, org, app, store_kind):
    incident = create_incident(client, org["employee"])
    response = upload(client, incident["id"], org["employee"], filename="../../etc/passwd.png")
    assert response.status_code == 201, response.text
    assert response.json()["filename"] == "passwd.png"
    windows = upload(client, incident["id"], org["employee"], png(seed=3), filename="..\\..\\x:y.png")
    assert windows.json()["filename"] == "x_y.png"
    dots = upload(client, incident["id"], org["employee"], png(seed=4), filename="../..")
    assert dots.json()["filename"] == "evidence"
    key_names = visible_objects(app.state.store)
    assert all(".." not in k and "passwd" not in k for k in key_names)


@BOTH_STORES
def test_auditor_cannot_upload(client, org, app, engine, store_kind):
    incident = create_incident(client, org["auditor"])
    assert_problem(upload(client, incident["id"], org["auditor"]), 403)
    assert_nothing_stored(app, engine)
