"""Changing an evidence item's details: who may, the custody event with before and after, audit."""

from __future__ import annotations

from sqlmodel import Session, select

from app.audit.models import AuditEvent
from tests.evidence.helpers import assert_problem, create_incident, png, upload
from tests.fixtures.handling import patch


def test_source_url_of_a_screenshot_can_be_added_later(client, org, engine):
    incident = create_incident(client, org["employee"])
    item = upload(client, incident["id"], org["employee"], png(seed=3)).json()
    assert item["sourceUrl"] is None
    url = f"/api/v1/evidence/{item['id']}"
    response = patch(
        client,
        url,
        {
            "sourceUrl": "https://x.com/a/status/9",
            "accountHandle": "@a",
            "description": "Tweet",
            "kind": "web_capture",
        },
        org["case_handler"],
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["sourceUrl"] == "https://x.com/a/status/9"
    assert body["accountHandle"] == "@a" and body["kind"] == "web_capture" and body["description"] == "Tweet"
    assert body["sha256"] == item["sha256"]
    events = client.get(f"{url}/custody-events", headers=org["case_handler"].headers).json()["items"]
    assert [e["kind"] for e in events] == ["uploaded", "metadata_changed"]
    change = events[-1]["details"]
    assert change["before"] == {
        "sourceUrl": None,
        "accountHandle": None,
        "description": "",
        "kind": "screenshot",
    }
    assert change["after"]["sourceUrl"] == "https://x.com/a/status/9"
    with Session(engine) as session:
        actions = [a.action for a in session.exec(select(AuditEvent)).all()]
    assert "evidence.metadata_changed" in actions
    # A merge patch: null clears an optional field, absent keys stay.
    cleared = patch(client, url, {"accountHandle": None}, org["legal"]).json()
    assert cleared["accountHandle"] is None and cleared["sourceUrl"] == "https://x.com/a/status/9"


def test_changes_are_checked_and_need_if_match(client, org):
    incident = create_incident(client, org["employee"])
    item = upload(client, incident["id"], org["employee"]).json()
    url = f"/api/v1/evidence/{item['id']}"
    missing = client.patch(url, json={"description": "x"}, headers=org["case_handler"].headers)
    assert missing.status_code == 428
    stale = client.patch(
        url, json={"description": "x"}, headers={**org["case_handler"].headers, "If-Match": '"0"'}
    )
    assert stale.status_code == 412
    bad = patch(
        client,
        url,
        {"sourceUrl": "ftp://x", "kind": None, "capturedAt": "2999-01-01T00:00:00Z"},
        org["case_handler"],
    )
    body = assert_problem(bad, 400)
    assert {"sourceUrl", "capturedAt"} <= {e["name"] for e in body["errors"]}
    null_kind = assert_problem(patch(client, url, {"kind": None}, org["case_handler"]), 400, "kind")
    assert null_kind["errors"][0]["code"] == "required"


def test_only_handlers_may_change_details(client, org):
    incident = create_incident(client, org["employee"])
    item = upload(client, incident["id"], org["employee"]).json()
    url = f"/api/v1/evidence/{item['id']}"
    for role in ("employee",):
        response = client.get(url, headers=org[role].headers)
        assert response.status_code == 200, response.text
        refused = client.patch(
            url,
            json={"description": "x"},
            headers={**org[role].headers, "If-Match": response.headers["ETag"]},
        )
        assert refused.status_code == 403, refused.text


def test_removed_items_cannot_be_changed(client, org):
    incident = create_incident(client, org["case_handler"])
    item = upload(client, incident["id"], org["case_handler"]).json()
    closed = patch(
        client,
        f"/api/v1/incidents/{incident['id']}",
        {"status": "closed", "closureReason": "Afgehandeld"},
        org["case_handler"],
    )
    assert closed.status_code == 200, closed.text
    removal = client.post(
        f"/api/v1/evidence/{item['id']}/removals",
        json={"reason": "retention over"},
        headers=org["admin"].headers,
    )
    assert removal.status_code == 200, removal.text
    url = f"/api/v1/evidence/{item['id']}"
    assert patch(client, url, {"description": "x"}, org["case_handler"]).status_code == 410
