"""Change feeds: strict query keys, ties, the inclusive boundary, need-to-know; conditional GET."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.auth.actor import ALL_SCOPES, Scope
from tests.fixtures.factories import incident_body, make_api_client
from tests.fixtures.handling import set_column
from tests.sync.collections import collections
from tests.sync.helpers import Mirror, with_etag

FEEDS = [
    "/api/v1/incidents",
    "/api/v1/evidence",
    "/api/v1/actions",
    "/api/v1/takedown-requests",
    "/api/v1/recording-permissions",
    "/api/v1/perpetrators",
]


def test_bad_updated_since_sort_or_cursor_is_a_400(client, org):
    handler = org["case_handler"].headers
    for url in FEEDS:
        for value in ("1767225600", "2026-03-02", "2026-03-02T10:00:00", "2026-03-02 10:00:00Z", "yesterday"):
            response = client.get(url, params={"updatedSince": value}, headers=handler)
            assert response.status_code == 400, (url, value)
            error = response.json()["errors"][0]
            assert (error["in"], error["name"], error["code"]) == (
                "query",
                "updatedSince",
                "datetime_parsing",
            )
        for value in ("-updatedAt", "createdAt", "updatedat"):
            response = client.get(url, params={"sort": value}, headers=handler)
            assert response.status_code == 400, (url, value)
            assert response.json()["errors"][0]["name"] == "sort"
        for value in ("2026-03-02T10:00:00Z", "2026-03-02T11:00:00.5+01:00"):
            assert client.get(url, params={"updatedSince": value}, headers=handler).status_code == 200


def test_a_cursor_holds_only_in_its_own_order(client, org):
    handler = org["case_handler"].headers
    for n in range(3):
        client.post("/api/v1/incidents", json=incident_body(title=f"Incident {n}"), headers=handler)
    by_report = client.get("/api/v1/incidents", params={"limit": 1}, headers=handler).json()["next"]
    by_update = client.get(
        "/api/v1/incidents", params={"limit": 1, "sort": "updatedAt"}, headers=handler
    ).json()["next"]
    cursor = by_report.split("cursor=")[1]
    response = client.get(
        "/api/v1/incidents", params={"sort": "updatedAt", "cursor": cursor}, headers=handler
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_cursor"
    cursor = by_update.split("cursor=")[1]
    assert client.get("/api/v1/incidents", params={"cursor": cursor}, headers=handler).status_code == 400


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("incidents", "incident"),
        ("evidence", "evidence"),
        ("actions", "action"),
        ("takedown-requests", "takedown_request"),
        ("recording-permissions", "recording_permission"),
        ("perpetrators", "perpetrator"),
    ],
)
def test_equal_update_times_are_ordered_by_id_and_filtered_inclusively(client, engine, org, name, table):
    kit = collections(client, org)[name]
    ids = [kit.create(n) for n in range(4)]
    moment = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
    for item_id in ids:
        set_column(engine, table, item_id, updated_at=moment)
    handler = org["case_handler"].headers
    mirror = Mirror(kit.url, handler, since="2026-04-01T12:00:00Z")
    delivered = mirror.sync(client, limit=1)
    # One item a page, in id order; what the setup wrote since comes after them.
    assert [i["id"] for i in delivered[:4]] == sorted(ids)
    assert mirror.pages >= 4
    assert {i["updatedAt"] for i in delivered[:4]} == {"2026-04-01T12:00:00Z"}
    later = client.get(kit.url, params={"updatedSince": "2026-04-01T12:00:00.000001Z"}, headers=handler)
    assert not set(ids) & {i["id"] for i in later.json()["items"]}
    # Without sort the list keeps its usual order; updatedSince still filters.
    default = client.get(kit.url, params={"updatedSince": "2026-04-01T14:00:00+02:00"}, headers=handler)
    assert set(ids) <= {i["id"] for i in default.json()["items"]}


def test_feeds_follow_need_to_know_and_organisation(client, engine, org, other_org):
    handler = org["case_handler"].headers
    secret = client.post(
        "/api/v1/incidents",
        json=incident_body(title="Strictly confidential", confidentiality="strictly_confidential"),
        headers=handler,
    ).json()
    kit = collections(client, org)
    for name in ("evidence", "actions", "takedown-requests"):
        kit[name].create(0)
    # The same items, on the strictly confidential incident.
    client.post(f"/api/v1/incidents/{secret['id']}/actions", json={"kind": "consultation"}, headers=handler)
    theirs = collections(client, other_org)
    for name in (
        "incidents",
        "evidence",
        "actions",
        "takedown-requests",
        "recording-permissions",
        "perpetrators",
    ):
        theirs[name].create(0)
    integrator = make_api_client(engine, org, scopes=sorted(ALL_SCOPES))
    manager = org["manager"].headers
    for url in FEEDS:
        for reader in (integrator, manager, handler):
            feed = client.get(url, params={"sort": "updatedAt", "limit": 100}, headers=reader)
            if reader is manager and url in ("/api/v1/recording-permissions",):
                continue
            assert feed.status_code == 200, (url, feed.text)
            plain = client.get(url, params={"limit": 100}, headers=reader).json()["items"]
            assert {i["id"] for i in feed.json()["items"]} == {i["id"] for i in plain}, url
            incident_ids = {i.get("incidentId", i["id"]) for i in feed.json()["items"]}
            if reader is not handler:
                assert secret["id"] not in incident_ids, url
    # An API client without the collection's scope gets no feed.
    reader = make_api_client(engine, org, scopes=[Scope.incidents_read])
    assert client.get("/api/v1/evidence", params={"sort": "updatedAt"}, headers=reader).status_code == 403
    assert client.get("/api/v1/takedown-requests", headers=reader).status_code == 403


@pytest.mark.parametrize(
    "name", ["incidents", "evidence", "actions", "takedown-requests", "recording-permissions", "perpetrators"]
)
def test_if_none_match_is_a_304_until_the_resource_changes(client, engine, org, name):
    kit = collections(client, org)[name]
    item_id = kit.create(0)
    url = kit.item_url.format(id=item_id)
    integrator = make_api_client(engine, org, scopes=sorted(ALL_SCOPES))
    first = client.get(url, headers=integrator)
    tag = first.headers["ETag"]
    for held in (tag, f"W/{tag}", f'"other", {tag}', "*"):
        response = client.get(url, headers={**integrator, "If-None-Match": held})
        assert response.status_code == 304, (held, response.text)
        assert response.content == b""
        assert response.headers["ETag"] == tag
    assert client.get(url, headers={**integrator, "If-None-Match": '"other"'}).status_code == 200
    kit.change(item_id, 1)
    changed = client.get(url, headers={**integrator, "If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != tag
    assert changed.json()["updatedAt"] > first.json()["updatedAt"]


def test_if_none_match_on_users(client, org):
    admin = org["admin"].headers
    url = f"/api/v1/users/{org['employee'].user_id}"
    tag = client.get(url, headers=admin).headers["ETag"]
    assert client.get(url, headers={**admin, "If-None-Match": tag}).status_code == 304
    changed = client.patch(url, json={"name": "Renamed"}, headers=with_etag(client, url, admin))
    assert changed.status_code == 200, changed.text
    assert client.get(url, headers={**admin, "If-None-Match": tag}).status_code == 200


def test_a_repeat_signal_changes_the_perpetrator_and_every_incident_it_marks(client, org):
    handler = org["case_handler"].headers
    perpetrator = client.post("/api/v1/perpetrators", json={"name": "J. Jansen"}, headers=handler).json()
    url = f"/api/v1/perpetrators/{perpetrator['id']}"
    incidents = [
        client.post("/api/v1/incidents", json=incident_body(title=f"Post {n}"), headers=handler).json()
        for n in range(3)
    ]

    def link(incident_id: str) -> None:
        path = f"/api/v1/incidents/{incident_id}"
        response = client.patch(
            path, json={"perpetratorId": perpetrator["id"]}, headers=with_etag(client, path, handler)
        )
        assert response.status_code == 200, response.text

    link(incidents[0]["id"])
    link(incidents[1]["id"])
    record = client.get(url, headers=handler)
    assert record.json()["incidentCount"] == 2
    assert record.json()["updatedAt"] > perpetrator["updatedAt"]
    before = {i["id"]: client.get(f"/api/v1/incidents/{i['id']}", headers=handler) for i in incidents[:2]}
    link(incidents[2]["id"])  # the third within the window: a repeat perpetrator (threshold 3)
    changed = client.get(url, headers={**handler, "If-None-Match": record.headers["ETag"]})
    assert changed.status_code == 200
    assert changed.json()["systematic"] is True
    for incident_id, earlier in before.items():
        view = client.get(f"/api/v1/incidents/{incident_id}", headers=handler)
        assert view.json()["signals"] and not earlier.json()["signals"]
        assert view.json()["updatedAt"] > earlier.json()["updatedAt"]
        assert view.headers["ETag"] != earlier.headers["ETag"]


def test_a_response_changes_when_its_incident_moves_to_the_channel_it_used(client, org):
    handler = org["case_handler"].headers
    incident = client.post("/api/v1/incidents", json=incident_body(platform="email"), headers=handler).json()
    created = client.post(
        f"/api/v1/incidents/{incident['id']}/actions",
        json={"kind": "response_sent", "description": "Answered", "channel": "email"},
        headers=handler,
    )
    assert created.status_code == 201, created.text
    action = created.json()
    assert action["warningCodes"] == ["same_channel"]
    path = f"/api/v1/incidents/{incident['id']}"
    moved = client.patch(path, json={"platform": "facebook"}, headers=with_etag(client, path, handler))
    assert moved.status_code == 200, moved.text
    url = f"/api/v1/actions/{action['id']}"
    now = client.get(url, headers={**handler, "If-None-Match": created.headers["ETag"]})
    assert now.status_code == 200
    assert now.json()["warningCodes"] == []
    assert now.json()["updatedAt"] > action["updatedAt"]
    feed = client.get(
        "/api/v1/actions",
        params={"sort": "updatedAt", "updatedSince": moved.json()["updatedAt"]},
        headers=handler,
    )
    assert action["id"] in {i["id"] for i in feed.json()["items"]}
