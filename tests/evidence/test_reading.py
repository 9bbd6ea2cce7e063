"""Reading evidence: lists, items, content with Range, safe headers; every access in custody."""

from __future__ import annotations

import hashlib

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.auth.actor import Scope
from tests.evidence.helpers import assert_problem, create_incident, png, upload
from tests.fixtures.factories import make_api_client

BOTH_STORES = pytest.mark.parametrize("store_kind", ["filesystem", "s3"], indirect=True)


@BOTH_STORES
def test_download_is_byte_identical_and_an_attachment(client, org, store_kind):
    incident = create_incident(client, org["employee"])
    content = png(seed=1) + bytes(range(256)) * 8000
    item = upload(client, incident["id"], org["employee"], content, filename="schermafbeelding é.png").json()
    response = client.get(f"/api/v1/evidence/{item['id']}/content", headers=org["employee"].headers)
    assert response.status_code == 200
    assert response.content == content
    assert hashlib.sha256(response.content).hexdigest() == item["sha256"]
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["content-length"] == str(len(content))
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="schermafbeelding e.png"')
    assert "filename*=UTF-8''schermafbeelding%20%C3%A9.png" in disposition


@BOTH_STORES
def test_range_requests_return_partial_content(client, org, store_kind):
    incident = create_incident(client, org["employee"])
    content = png(seed=2) + bytes(range(256)) * 100
    item = upload(client, incident["id"], org["employee"], content).json()
    url = f"/api/v1/evidence/{item['id']}/content"
    headers = org["employee"].headers
    part = client.get(url, headers={**headers, "Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part.content == content[10:20]
    assert part.headers["content-range"] == f"bytes 10-19/{len(content)}"
    tail = client.get(url, headers={**headers, "Range": "bytes=-5"})
    assert (tail.status_code, tail.content) == (206, content[-5:])
    open_end = client.get(url, headers={**headers, "Range": f"bytes={len(content) - 3}-"})
    assert open_end.content == content[-3:]
    beyond = client.get(url, headers={**headers, "Range": f"bytes={len(content)}-"})
    assert_problem(beyond, 416)
    assert beyond.headers["content-range"] == f"bytes */{len(content)}"


def test_html_and_svg_are_never_served_inline(client, org):
    incident = create_incident(client, org["employee"])
    html = upload(client, incident["id"], org["employee"], b"<html><script>alert(1)</script></html>").json()
    svg_bytes = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'
    svg = upload(client, incident["id"], org["employee"], svg_bytes, filename="a.svg").json()
    assert (html["contentType"], svg["contentType"]) == ("text/html", "image/svg+xml")
    for item in (html, svg):
        response = client.get(f"/api/v1/evidence/{item['id']}/content", headers=org["employee"].headers)
        assert response.headers["content-type"] == "application/octet-stream"
        assert response.headers["content-disposition"].startswith("attachment;")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'none'" in response.headers["content-security-policy"]


def test_every_content_access_is_a_custody_and_an_audit_event(client, org, engine):
    incident = create_incident(client, org["employee"])
    item = upload(client, incident["id"], org["employee"]).json()
    url = f"/api/v1/evidence/{item['id']}/content"
    client.get(url + "?reason=police%20report", headers=org["case_handler"].headers)
    client.get(url, headers={**org["employee"].headers, "Range": "bytes=0-9"})
    events = client.get(
        f"/api/v1/evidence/{item['id']}/custody-events", headers=org["case_handler"].headers
    ).json()["items"]
    assert [e["kind"] for e in events] == ["uploaded", "downloaded", "viewed"]
    downloaded = events[1]
    assert downloaded["actor"]["id"] == str(org["case_handler"].user_id)
    assert downloaded["actor"]["kind"] == "user"
    assert downloaded["reason"] == "police report"
    assert downloaded["origin"] == "testclient"
    assert events[2]["details"] == {"range": "bytes=0-9"}
    with Session(engine) as session:
        actions = session.exec(select(AuditEvent.action).where(AuditEvent.object_id == item["id"])).all()
    assert {"evidence.uploaded", "evidence.downloaded", "evidence.viewed"} <= set(actions)


def test_custody_events_page_with_next_links(client, org):
    incident = create_incident(client, org["employee"])
    item = upload(client, incident["id"], org["employee"]).json()
    for _ in range(4):
        client.get(f"/api/v1/evidence/{item['id']}/content", headers=org["employee"].headers)
    url = f"/api/v1/evidence/{item['id']}/custody-events?limit=2"
    seen = []
    while url:
        page = client.get(url, headers=org["employee"].headers).json()
        seen.extend(e["id"] for e in page["items"])
        url = page["next"]
    assert len(seen) == len(set(seen)) == 5


def test_list_and_get_follow_incident_visibility(client, org, other_org):
    incident = create_incident(client, org["case_handler"])
    first = upload(client, incident["id"], org["case_handler"], png(seed=1)).json()
    second = upload(client, incident["id"], org["case_handler"], png(seed=2)).json()
    listed = client.get(
        f"/api/v1/incidents/{incident['id']}/evidence?limit=1", headers=org["manager"].headers
    )
    assert listed.status_code == 200
    page = listed.json()
    assert [i["id"] for i in page["items"]] == [first["id"]]
    assert [i["id"] for i in client.get(page["next"], headers=org["manager"].headers).json()["items"]] == [
        second["id"]
    ]
    for path in ("", "/content", "/custody-events"):
        assert_problem(
            client.get(f"/api/v1/evidence/{first['id']}{path}", headers=org["employee"].headers), 404
        )
        assert_problem(
            client.get(f"/api/v1/evidence/{first['id']}{path}", headers=other_org["case_handler"].headers),
            404,
        )
    assert_problem(
        client.get(f"/api/v1/incidents/{incident['id']}/evidence", headers=other_org["case_handler"].headers),
        404,
    )
    got = client.get(f"/api/v1/evidence/{first['id']}", headers=org["manager"].headers)
    assert got.json() == first


def test_api_client_reads_with_evidence_read_scope(client, org, engine):
    incident = create_incident(client, org["case_handler"])
    item = upload(client, incident["id"], org["case_handler"]).json()
    without = make_api_client(engine, org, scopes=[Scope.incidents_read])
    assert_problem(client.get(f"/api/v1/evidence/{item['id']}", headers=without), 403)
    reader = make_api_client(engine, org, scopes=[Scope.incidents_read, Scope.evidence_read])
    assert client.get(f"/api/v1/evidence/{item['id']}/content", headers=reader).status_code == 200


def test_bad_cursor_is_a_field_error(client, org):
    incident = create_incident(client, org["employee"])
    response = client.get(
        f"/api/v1/incidents/{incident['id']}/evidence?cursor=nonsense", headers=org["employee"].headers
    )
    assert_problem(response, 400, "cursor")
