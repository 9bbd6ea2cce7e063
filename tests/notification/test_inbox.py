"""The inbox: only the recipient's notices, only while they may see the object; read state; pages."""

from __future__ import annotations

from tests.fixtures.handling import make_incident, patch
from tests.notification.helpers import inbox


def test_inbox_lists_own_visible_notices_with_read_state_and_pages(client, org, engine):
    coordinator, manager = org["case_handler"], org["manager"]
    patch(
        client, f"/api/v1/users/{org['employee'].user_id}", {"managerId": str(manager.user_id)}, org["admin"]
    )
    incidents = [make_incident(client, org["employee"]) for _ in range(3)]
    page = inbox(client, coordinator, limit=2)
    assert page["unreadCount"] == 3 and len(page["items"]) == 2 and page["next"]
    newest = page["items"][0]
    assert newest["kind"] == "incident_new_in_queue" and newest["readAt"] is None
    assert newest["subject"] == {"type": "incident", "id": incidents[-1]["id"]}
    assert newest["incidentId"] == incidents[-1]["id"]
    assert newest["incidentReference"] == incidents[-1]["reference"]
    rest = client.get(page["next"], headers=coordinator.headers).json()
    assert [n["incidentId"] for n in rest["items"]] == [incidents[0]["id"]] and rest["next"] is None
    # Read and unread again; nobody else can touch it.
    url = f"/api/v1/notifications/{newest['id']}"
    assert client.patch(url, json={"read": True}, headers=manager.headers).status_code == 404
    read = client.patch(url, json={"read": True}, headers=coordinator.headers)
    assert read.status_code == 200 and read.json()["readAt"]
    assert inbox(client, coordinator)["unreadCount"] == 2
    assert [n["id"] for n in inbox(client, coordinator, unread="false")["items"]] == [newest["id"]]
    assert client.patch(url, json={"read": False}, headers=coordinator.headers).json()["readAt"] is None
    assert client.patch(url, json={"read": "maybe"}, headers=coordinator.headers).status_code == 400
    assert client.post("/api/v1/notifications/read-all", headers=coordinator.headers).status_code == 204
    assert inbox(client, coordinator, unread="true") == {"items": [], "next": None, "unreadCount": 0}
    assert inbox(client, org["employee"])["items"] == []  # the reporter is not told of their own report
    # Need-to-know: strictly confidential, the incident leaves the manager's sight, and the notice too.
    assert inbox(client, manager)["unreadCount"] == 3
    hidden = incidents[0]
    changed = patch(
        client, f"/api/v1/incidents/{hidden['id']}", {"confidentiality": "strictly_confidential"}, coordinator
    )
    assert changed.status_code == 200, changed.text
    listed = inbox(client, manager)
    assert listed["unreadCount"] == 2 and hidden["id"] not in {n["incidentId"] for n in listed["items"]}
    assert client.get(f"/api/v1/incidents/{hidden['id']}", headers=manager.headers).status_code == 404
    assert client.post("/api/v1/notifications/read-all", headers=manager.headers).status_code == 204
    assert inbox(client, manager)["unreadCount"] == 0
    assert client.get("/api/v1/notifications?cursor=nonsense", headers=manager.headers).status_code == 400


def test_manager_must_be_a_user_of_the_same_organisation(client, org, other_org):
    url = f"/api/v1/users/{org['employee'].user_id}"
    foreign = patch(client, url, {"managerId": str(other_org["admin"].user_id)}, org["admin"])
    assert foreign.status_code == 400 and foreign.json()["errors"][0]["code"] == "unknown_user"
    itself = patch(client, url, {"managerId": str(org["employee"].user_id)}, org["admin"])
    assert itself.status_code == 400 and itself.json()["errors"][0]["name"] == "managerId"
    cleared = patch(client, url, {"managerId": None}, org["admin"])
    assert cleared.status_code == 200 and cleared.json()["managerId"] is None
