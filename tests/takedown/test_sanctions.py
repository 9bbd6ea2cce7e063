"""A removal request the sender ignores may lead to suspended services (Almere protocol): the sanction
names the request it follows, and only an ignored request to the sender of the same incident."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.fixtures.handling import add_evidence, make_incident, patch

URL = "https://x.com/boze_burger/status/9"


def _sanction(client, member, incident_id, **more):
    start = datetime.now(UTC) + timedelta(days=1)
    body = {
        "kind": "sanction",
        "suspendedService": "Balie Burgerzaken, alleen op afspraak",
        "startsAt": start.isoformat(),
        "endsAt": (start + timedelta(days=30)).isoformat(),
        **more,
    }
    return client.post(f"/api/v1/incidents/{incident_id}/actions", json=body, headers=member.headers)


def test_a_sanction_follows_an_ignored_request_to_the_sender(client, org) -> None:
    handler = org["case_handler"]
    incident = make_incident(client, handler, behaviours=["swearing"], urls=[URL])
    add_evidence(client, handler, incident_id=incident["id"], url=URL)
    request = client.post(
        f"/api/v1/incidents/{incident['id']}/takedown-requests",
        json={"recipientKind": "sender", "recipientName": "J. Jansen", "urls": [URL]},
        headers=handler.headers,
    ).json()
    early = _sanction(client, handler, incident["id"], takedownRequestId=request["id"])
    assert early.status_code == 400
    assert [(e["name"], e["code"]) for e in early.json()["errors"]] == [
        ("takedownRequestId", "takedown_not_ignored")
    ]

    url = f"/api/v1/takedown-requests/{request['id']}"
    assert patch(client, url, {"status": "sent"}, handler).status_code == 200
    assert (
        patch(client, url, {"status": "refused", "response": "Ik haal niets weg."}, handler).status_code
        == 200
    )
    created = _sanction(client, handler, incident["id"], takedownRequestId=request["id"])
    assert created.status_code == 201, created.text
    assert created.json()["takedownRequestId"] == request["id"]

    other = make_incident(client, handler)
    foreign = _sanction(client, handler, other["id"], takedownRequestId=request["id"])
    assert [e["code"] for e in foreign.json()["errors"]] == ["unknown_takedown"]
    wrong_kind = client.post(
        f"/api/v1/incidents/{incident['id']}/actions",
        json={"kind": "consultation", "takedownRequestId": request["id"]},
        headers=handler.headers,
    )
    assert wrong_kind.status_code == 400
    assert [e["code"] for e in wrong_kind.json()["errors"]] == ["not_applicable"]
