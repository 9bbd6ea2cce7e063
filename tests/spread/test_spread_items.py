"""Copies and reposts found later: recorded on the incident, linked to the takedown requests that must
cover them, with "not yet covered" until one does; a takedown answered "removed" starts re-checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.spread.models import SpreadItem
from tests.fixtures.handling import add_evidence, make_incident, patch

ORIGINAL = "https://x.com/boze_burger/status/1"
COPIES = {
    "repost": "https://x.com/meeloper/status/2",
    "copy": "https://forum.example/t/ambtenaar",
    "quote": "https://x.com/reageerder/status/3",
    "screenshot": "https://instagram.example/p/4",
}


def _record(client, member, incident_id, **body):
    return client.post(f"/api/v1/incidents/{incident_id}/spread-items", json=body, headers=member.headers)


def test_copies_are_covered_by_takedowns_and_removal_starts_rechecks(client, org, engine) -> None:
    handler = org["case_handler"]
    incident = make_incident(client, handler, urls=[ORIGINAL], behaviours=["swearing"])
    items = {}
    for kind, url in COPIES.items():
        response = _record(client, handler, incident["id"], url=url, kind=kind, platform="X", reach=1200)
        assert response.status_code == 201, response.text
        assert response.headers["Location"] == f"/api/v1/spread-items/{response.json()['id']}"
        assert response.json()["coverage"] == "not_covered"
        assert response.json()["takedownRequestIds"] == []
        items[kind] = response.json()

    # A draft to the sender names the original; the copies are added to it one by one.
    draft = client.post(
        f"/api/v1/incidents/{incident['id']}/takedown-requests",
        json={"recipientKind": "sender", "recipientName": "J. Jansen", "urls": [ORIGINAL]},
        headers=handler.headers,
    ).json()
    for kind in ("repost", "copy"):
        covered = client.post(
            f"/api/v1/spread-items/{items[kind]['id']}/takedown-coverage",
            json={"takedownRequestId": draft["id"]},
            headers=handler.headers,
        )
        assert covered.status_code == 200, covered.text
        assert covered.json()["coverage"] == "requested"
        assert covered.json()["takedownRequestIds"] == [draft["id"]]
    request_url = f"/api/v1/takedown-requests/{draft['id']}"
    assert client.get(request_url, headers=handler.headers).json()["urls"] == [
        ORIGINAL,
        COPIES["repost"],
        COPIES["copy"],
    ]
    listed = client.get(f"/api/v1/incidents/{incident['id']}/spread-items", headers=handler.headers).json()
    assert {i["kind"]: i["coverage"] for i in listed["items"]} == {
        "repost": "requested",
        "copy": "requested",
        "quote": "not_covered",
        "screenshot": "not_covered",
    }

    # Sent and answered "removed": the copies it names are removed, and every URL is re-checked.
    for seed, url in enumerate((ORIGINAL, COPIES["repost"], COPIES["copy"])):
        add_evidence(client, handler, incident_id=incident["id"], url=url, seed=seed)
    sent = patch(client, request_url, {"status": "sent"}, handler)
    assert sent.status_code == 200, sent.text
    before = datetime.now(UTC)
    assert patch(client, request_url, {"status": "removed"}, handler).status_code == 200
    listed = client.get(f"/api/v1/incidents/{incident['id']}/spread-items", headers=handler.headers).json()
    assert {i["kind"]: i["coverage"] for i in listed["items"]}["repost"] == "removed"
    rechecks = client.get(f"/api/v1/incidents/{incident['id']}/url-rechecks", headers=handler.headers).json()
    assert sorted(r["url"] for r in rechecks["items"]) == sorted([ORIGINAL, COPIES["repost"], COPIES["copy"]])
    for recheck in rechecks["items"]:
        assert recheck["status"] == "active" and recheck["intervalDays"] == 7
        assert recheck["takedownRequestId"] == draft["id"]
        first = datetime.fromisoformat(recheck["nextCheckAt"])
        assert before + timedelta(hours=23) < first < before + timedelta(days=1, minutes=5)

    # A request that is no longer a draft takes no more URLs.
    refused = client.post(
        f"/api/v1/spread-items/{items['quote']['id']}/takedown-coverage",
        json={"takedownRequestId": draft["id"]},
        headers=handler.headers,
    )
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert [e["code"] for e in refused.json()["errors"]] == ["not_draft"]

    with Session(engine) as session:
        actions = session.exec(
            select(AuditEvent.action).where(AuditEvent.object_type.in_(["spread_item", "url_recheck"]))  # type: ignore[union-attr]
        ).all()
    assert actions.count("spread.create") == 4
    assert actions.count("spread.cover") == 2
    assert actions.count("recheck.create") == 3


def test_bad_spread_input_is_a_400_with_every_field_and_nothing_is_written(client, org, engine) -> None:
    incident = make_incident(client, org["case_handler"])
    response = _record(
        client,
        org["case_handler"],
        incident["id"],
        url="ftp://example.org/x",
        kind="retweet",
        reach=-1,
        foundAt=(datetime.now(UTC) + timedelta(days=2)).isoformat(),
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert {e["name"] for e in response.json()["errors"]} == {"url", "kind", "reach", "foundAt"}
    with Session(engine) as session:
        assert session.exec(select(SpreadItem)).all() == []


def test_correcting_a_copy_needs_its_etag_and_keeps_required_fields(client, org) -> None:
    handler = org["case_handler"]
    incident = make_incident(client, handler)
    item = _record(client, handler, incident["id"], url=COPIES["copy"], kind="copy").json()
    url = f"/api/v1/spread-items/{item['id']}"
    assert client.patch(url, json={"reach": 5}, headers=handler.headers).status_code == 428
    stale = client.patch(url, json={"reach": 5}, headers={**handler.headers, "If-Match": '"9"'})
    assert stale.status_code == 412
    changed = patch(
        client, url, {"kind": "screenshot", "reach": 5, "note": "Found by the monitoring officer"}, handler
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["kind"], changed.json()["reach"], changed.json()["version"]) == (
        "screenshot",
        5,
        2,
    )
    nulled = patch(client, url, {"kind": None, "url": None}, handler)
    assert nulled.status_code == 400
    assert {(e["name"], e["code"]) for e in nulled.json()["errors"]} == {
        ("kind", "not_null"),
        ("url", "not_null"),
    }
    cleared = patch(client, url, {"reach": None}, handler)
    assert cleared.status_code == 200 and cleared.json()["reach"] is None


def test_copies_follow_need_to_know_and_stay_in_their_organisation(client, org, other_org) -> None:
    incident = make_incident(client, org["case_handler"])
    item = _record(client, org["case_handler"], incident["id"], url=COPIES["repost"], kind="repost").json()
    foreign = other_org["case_handler"].headers
    assert client.get(f"/api/v1/spread-items/{item['id']}", headers=foreign).status_code == 404
    assert client.get(f"/api/v1/incidents/{incident['id']}/spread-items", headers=foreign).status_code == 404
    assert (
        _record(client, other_org["case_handler"], incident["id"], url=ORIGINAL, kind="copy").status_code
        == 404
    )
    # The employee who reported an incident sees it, but copies and takedowns are the handlers' work.
    own = make_incident(client, org["employee"])
    employee = org["employee"].headers
    assert client.get(f"/api/v1/incidents/{own['id']}/spread-items", headers=employee).status_code == 403
    assert _record(client, org["employee"], own["id"], url=ORIGINAL, kind="copy").status_code == 403
    assert client.get(f"/api/v1/spread-items/{item['id']}", headers=employee).status_code == 403
    # A takedown request of another incident cannot be used to cover it.
    other = make_incident(client, org["case_handler"])
    draft = client.post(
        f"/api/v1/incidents/{other['id']}/takedown-requests",
        json={"recipientKind": "sender", "recipientName": "X", "urls": [ORIGINAL]},
        headers=org["case_handler"].headers,
    ).json()
    wrong = client.post(
        f"/api/v1/spread-items/{item['id']}/takedown-coverage",
        json={"takedownRequestId": draft["id"]},
        headers=org["case_handler"].headers,
    )
    assert wrong.status_code == 404
