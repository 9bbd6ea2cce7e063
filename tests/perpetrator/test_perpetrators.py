"""Perpetrator records, incident links and the repeat-perpetrator (systematic) signal."""

from __future__ import annotations

from sqlmodel import Session, select

from app.action.models import HandlingNotification
from app.audit.models import AuditEvent
from tests.fixtures.handling import make_incident, patch


def _perpetrator(client, member, **body):
    response = client.post(
        "/api/v1/perpetrators",
        json=body or {"name": "J. Jansen", "accountHandles": ["@jansen"]},
        headers=member.headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_create_get_and_list_perpetrators(client, org):
    created = _perpetrator(
        client,
        org["case_handler"],
        name="J. Jansen",
        accountHandles=["@jansen", "@jansen"],
        relation="client",
    )
    assert created["accountHandles"] == ["@jansen"]
    assert created["incidentCount"] == 0
    assert created["systematic"] is False
    got = client.get(f"/api/v1/perpetrators/{created['id']}", headers=org["manager"].headers)
    assert got.status_code == 200
    _perpetrator(client, org["case_handler"], accountHandles=["@anon123"])
    listed = client.get("/api/v1/perpetrators?limit=1", headers=org["case_handler"].headers).json()
    assert len(listed["items"]) == 1 and listed["next"]
    second = client.get(listed["next"], headers=org["case_handler"].headers).json()
    assert len(second["items"]) == 1 and second["next"] is None
    found = client.get("/api/v1/perpetrators?q=jans", headers=org["case_handler"].headers).json()
    assert [p["id"] for p in found["items"]] == [created["id"]]


def test_bad_perpetrator_input_is_a_400(client, org):
    for body, name in (
        ({}, "body"),
        ({"relation": "neighbour", "name": "X"}, "relation"),
        ({"name": "X", "accountHandles": [""]}, "accountHandles/0"),
    ):
        response = client.post("/api/v1/perpetrators", json=body, headers=org["case_handler"].headers)
        assert response.status_code == 400, body
        assert response.json()["errors"][0]["name"] == name


def test_perpetrators_are_per_organisation_and_for_handlers(client, org, other_org):
    theirs = _perpetrator(client, other_org["case_handler"])
    assert (
        client.get(f"/api/v1/perpetrators/{theirs['id']}", headers=org["case_handler"].headers).status_code
        == 404
    )
    response = client.get(
        f"/api/v1/perpetrators/{theirs['id']}/incidents", headers=org["case_handler"].headers
    )
    assert response.status_code == 404
    assert client.get("/api/v1/perpetrators", headers=org["case_handler"].headers).json()["items"] == []
    assert client.get("/api/v1/perpetrators", headers=org["employee"].headers).status_code == 403
    response = client.post("/api/v1/perpetrators", json={"name": "X"}, headers=org["manager"].headers)
    assert response.status_code == 403
    linked = client.post(
        "/api/v1/incidents",
        json={
            "title": "t",
            "occurredAt": "2026-03-02T09:30:00Z",
            "platform": "x",
            "behaviours": ["insult"],
            "perpetratorId": theirs["id"],
        },
        headers=org["case_handler"].headers,
    )
    assert linked.status_code == 400
    assert linked.json()["errors"][0]["name"] == "perpetratorId"


def test_incidents_link_to_a_perpetrator_on_create_and_update(client, org):
    perpetrator = _perpetrator(client, org["case_handler"])
    first = make_incident(client, org["case_handler"], perpetratorId=perpetrator["id"])
    assert first["perpetratorId"] == perpetrator["id"]
    second = make_incident(client, org["case_handler"])
    assert second["perpetratorId"] is None
    updated = patch(
        client, f"/api/v1/incidents/{second['id']}", {"perpetratorId": perpetrator["id"]}, org["case_handler"]
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["perpetratorId"] == perpetrator["id"]
    listed = client.get(
        f"/api/v1/perpetrators/{perpetrator['id']}/incidents", headers=org["case_handler"].headers
    )
    assert {i["id"] for i in listed.json()["items"]} == {first["id"], second["id"]}
    assert (
        client.get(f"/api/v1/perpetrators/{perpetrator['id']}", headers=org["case_handler"].headers).json()[
            "incidentCount"
        ]
        == 2
    )
    unlinked = patch(
        client, f"/api/v1/incidents/{second['id']}", {"perpetratorId": None}, org["case_handler"]
    )
    assert unlinked.json()["perpetratorId"] is None


def test_three_incidents_within_ninety_days_carry_the_systematic_signal(client, org, engine):
    perpetrator = _perpetrator(client, org["case_handler"])
    dates = ["2026-01-05T10:00:00Z", "2026-02-10T10:00:00Z"]
    incidents = [
        make_incident(client, org["case_handler"], occurredAt=d, perpetratorId=perpetrator["id"])
        for d in dates
    ]
    assert all(i["signals"] == [] for i in incidents)
    far = make_incident(
        client, org["case_handler"], occurredAt="2026-08-01T10:00:00Z", perpetratorId=perpetrator["id"]
    )
    assert far["signals"] == []
    with Session(engine) as session:
        assert session.exec(select(HandlingNotification)).all() == []
    third = make_incident(client, org["employee"], occurredAt="2026-03-20T10:00:00Z")
    linked = patch(
        client, f"/api/v1/incidents/{third['id']}", {"perpetratorId": perpetrator["id"]}, org["case_handler"]
    )
    [signal] = linked.json()["signals"]
    assert signal["kind"] == "systematic"
    assert signal["label"] == "systematic - possible stalking (Sr 285b)"
    assert signal["perpetratorId"] == perpetrator["id"]
    for incident in incidents:
        got = client.get(f"/api/v1/incidents/{incident['id']}", headers=org["case_handler"].headers).json()
        assert got["signals"][0]["articles"] == ["Sr 285b"]
    assert (
        client.get(f"/api/v1/incidents/{far['id']}", headers=org["case_handler"].headers).json()["signals"]
        == []
    )
    assessment = client.get(
        f"/api/v1/incidents/{third['id']}/legal-assessment", headers=org["case_handler"].headers
    ).json()
    assert assessment["signals"][0]["kind"] == "systematic"
    assert client.get(f"/api/v1/perpetrators/{perpetrator['id']}", headers=org["legal"].headers).json()[
        "systematic"
    ]
    with Session(engine) as session:
        # Other notices (new incidents in the queue) are there too: the signal is told once.
        repeat = HandlingNotification.kind == "repeat_perpetrator"
        [note] = session.exec(select(HandlingNotification).where(repeat)).all()
        assert note.user_id == org["case_handler"].user_id
        assert note.kind == "repeat_perpetrator"
        event = session.exec(
            select(AuditEvent).where(AuditEvent.action == "perpetrator.systematic_signal")
        ).one()
        assert len(event.details["incidentIds"]) == 3
    # A fourth incident in the window signals again only for the new incident, with no duplicate per old one.
    make_incident(
        client, org["case_handler"], occurredAt="2026-03-25T10:00:00Z", perpetratorId=perpetrator["id"]
    )
    with Session(engine) as session:
        assert len(session.exec(select(HandlingNotification).where(repeat)).all()) == 2


def test_unlinking_drops_the_signal_below_the_threshold(client, org):
    perpetrator = _perpetrator(client, org["case_handler"])
    incidents = [
        make_incident(
            client, org["case_handler"], occurredAt=f"2026-01-0{d}T10:00:00Z", perpetratorId=perpetrator["id"]
        )
        for d in (1, 2, 3)
    ]
    assert client.get(f"/api/v1/incidents/{incidents[0]['id']}", headers=org["case_handler"].headers).json()[
        "signals"
    ]
    patch(client, f"/api/v1/incidents/{incidents[2]['id']}", {"perpetratorId": None}, org["case_handler"])
    got = client.get(f"/api/v1/incidents/{incidents[0]['id']}", headers=org["case_handler"].headers).json()
    assert got["signals"] == []


def test_perpetrator_incidents_respect_need_to_know(client, org):
    perpetrator = _perpetrator(client, org["case_handler"])
    normal = make_incident(client, org["case_handler"], perpetratorId=perpetrator["id"])
    make_incident(
        client, org["case_handler"], perpetratorId=perpetrator["id"], confidentiality="strictly_confidential"
    )
    url = f"/api/v1/perpetrators/{perpetrator['id']}/incidents"
    seen_by_manager = client.get(url, headers=org["manager"].headers).json()["items"]
    assert [i["id"] for i in seen_by_manager] == [normal["id"]]
    assert len(client.get(url, headers=org["privacy_officer"].headers).json()["items"]) == 2


def test_a_perpetrator_record_is_corrected_with_if_match_and_audited(client, org, engine):
    created = client.post(
        "/api/v1/perpetrators", json={"name": "J. Jansen"}, headers=org["case_handler"].headers
    )
    url = created.headers["Location"]
    got = client.get(url, headers=org["case_handler"].headers)
    etag = got.headers["ETag"]
    assert etag == created.headers["ETag"]
    body = {"accountHandles": ["@jansen", "@jansen"], "relation": "citizen", "notes": "Bekend van de balie"}
    missing = client.patch(url, json=body, headers=org["case_handler"].headers)
    assert missing.status_code == 428
    changed = client.patch(url, json=body, headers={**org["case_handler"].headers, "If-Match": etag})
    assert changed.status_code == 200, changed.text
    assert changed.json()["accountHandles"] == ["@jansen"]
    assert changed.json()["relation"] == "citizen"
    assert changed.headers["ETag"] != etag
    stale = client.patch(url, json={"name": "X"}, headers={**org["case_handler"].headers, "If-Match": etag})
    assert stale.status_code == 412
    fresh = changed.headers["ETag"]
    anonymous = client.patch(
        url,
        json={"name": None, "accountHandles": []},
        headers={**org["case_handler"].headers, "If-Match": fresh},
    )
    assert anonymous.status_code == 400
    assert anonymous.json()["errors"][0]["code"] == "name_or_handle"
    assert (
        client.patch(
            url, json={"relation": None}, headers={**org["manager"].headers, "If-Match": fresh}
        ).status_code
        == 403
    )
    cleared = client.patch(
        url, json={"relation": None}, headers={**org["case_handler"].headers, "If-Match": fresh}
    )
    assert cleared.status_code == 200 and cleared.json()["relation"] is None
    with Session(engine) as session:
        actions = session.exec(
            select(AuditEvent.action).where(AuditEvent.object_id == created.json()["id"])
        ).all()
    assert list(actions).count("perpetrator.update") == 2


def test_a_perpetrator_of_another_organisation_cannot_be_changed(client, org, other_org):
    theirs = _perpetrator(client, other_org["case_handler"])
    response = client.patch(
        f"/api/v1/perpetrators/{theirs['id']}",
        json={"name": "X"},
        headers={**org["case_handler"].headers, "If-Match": "*"},
    )
    assert response.status_code == 404
