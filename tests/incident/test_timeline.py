"""The incident timeline: changes, evidence, actions and takedown events in time order."""

from __future__ import annotations

from tests.fixtures.handling import SENDER_NOTICE, add_evidence, make_incident, patch


def test_timeline_merges_incident_evidence_action_and_takedown_events_in_order(client, org):
    handler = org["case_handler"]
    incident = make_incident(client, org["employee"], behaviours=["death_threat"])
    base = f"/api/v1/incidents/{incident['id']}"
    patch(client, base, {"status": "in_progress"}, handler)
    add_evidence(client, handler, incident_id=incident["id"], url=SENDER_NOTICE["urls"][0])
    request = client.post(f"{base}/takedown-requests", json=SENDER_NOTICE, headers=handler.headers).json()
    response = client.get(f"{base}/timeline", headers=handler.headers)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    events = [(i["source"], i["event"]) for i in items]
    assert events[:4] == [
        ("incident", "incident.create"),
        ("action", "action.create"),
        ("incident", "incident.update"),
        ("evidence", "evidence.add"),
    ]
    assert events[-1] == ("takedown", "takedown.create")
    assert items[-1]["objectId"] == request["id"]
    assert [i["at"] for i in items] == sorted(i["at"] for i in items)
    assert items[3]["details"]["sourceUrl"] == SENDER_NOTICE["urls"][0]
    assert items[0]["actor"]["id"] == str(org["employee"].user_id)


def test_timeline_is_for_handlers_of_visible_incidents(client, org, other_org):
    incident = make_incident(client, org["employee"])
    url = f"/api/v1/incidents/{incident['id']}/timeline"
    assert client.get(url, headers=org["employee"].headers).status_code == 403
    assert client.get(url, headers=org["manager"].headers).status_code == 200
    assert client.get(url, headers=other_org["case_handler"].headers).status_code == 404
