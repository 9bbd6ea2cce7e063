"""Per-user delivery: immediately, daily digest or off; mandatory kinds; refused preferences."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from app.auth.actor import Scope
from app.jobs.models import Job
from app.notification.models import MailOutbox, NotificationKind
from tests.fixtures.factories import make_api_client
from tests.fixtures.handling import make_incident, patch
from tests.notification.conftest import WEB
from tests.notification.helpers import advance, inbox, settle

URL = "/api/v1/users/current/notification-preferences"


def _put(client, member, *items):
    return client.put(
        URL, json={"items": [{"kind": k, "delivery": d} for k, d in items]}, headers=member.headers
    )


def test_preferences_list_every_kind_and_refuse_unknown_or_mandatory_kinds(client, org, engine):
    listed = client.get(URL, headers=org["employee"].headers).json()["items"]
    assert len(listed) == len(NotificationKind) and {p["delivery"] for p in listed} == {"immediately"}
    assert {p["kind"] for p in listed if p["mandatory"]} == {
        "incident_assigned",
        "action_overdue",
        "police_report_deadline",
        "evidence_integrity_alert",
    }
    unknown = _put(client, org["employee"], ("action_due", "off"), ("incident_exploded", "off"))
    assert unknown.status_code == 400
    assert [(e["name"], e["code"]) for e in unknown.json()["errors"]] == [
        ("items[1].kind", "unknown_notification_kind")
    ]
    mandatory = _put(
        client, org["employee"], ("action_overdue", "off"), ("incident_assigned", "daily_digest")
    )
    assert mandatory.status_code == 400
    assert [(e["name"], e["code"]) for e in mandatory.json()["errors"]] == [
        ("items[0].delivery", "notification_mandatory"),
        ("items[1].delivery", "notification_mandatory"),
    ]
    bad_delivery = _put(client, org["employee"], ("action_due", "weekly"))
    assert bad_delivery.status_code == 400
    assert client.get(URL, headers=org["employee"].headers).json()["items"] == listed  # nothing changed
    changed = _put(client, org["employee"], ("action_due", "daily_digest"), ("repeat_perpetrator", "off"))
    assert changed.status_code == 200, changed.text
    by_kind = {p["kind"]: p["delivery"] for p in changed.json()["items"]}
    assert by_kind["action_due"] == "daily_digest" and by_kind["repeat_perpetrator"] == "off"
    robot = make_api_client(engine, org, scopes=[Scope.incidents_read])
    assert client.get(URL, headers=robot).status_code == 403
    assert client.get("/api/v1/notifications", headers=robot).status_code == 403


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_digest_and_off_keep_mail_out_but_the_inbox_full(client, org, engine, mail_server):
    coordinator, manager = org["case_handler"], org["manager"]
    assert _put(client, coordinator, ("incident_new_in_queue", "daily_digest")).status_code == 200
    assert _put(client, manager, ("report_registered_manager", "off")).status_code == 200
    patch(
        client, f"/api/v1/users/{org['employee'].user_id}", {"managerId": str(manager.user_id)}, org["admin"]
    )
    first = make_incident(client, org["employee"])
    make_incident(client, org["employee"])
    settle(engine)
    assert mail_server.messages == []  # the digest waits; the manager's kind is off
    assert inbox(client, coordinator)["unreadCount"] == 2
    assert [n["kind"] for n in inbox(client, manager)["items"]] == ["report_registered_manager"] * 2
    with Session(engine) as session:
        [job] = session.exec(select(Job).where(Job.kind == "notification.digest")).all()
    local = job.run_at.astimezone(ZoneInfo("Europe/Amsterdam"))
    assert (local.hour, local.minute) == (8, 0)
    # A mandatory kind still goes at once: the coordinator is assigned.
    assert (
        patch(
            client,
            f"/api/v1/incidents/{first['id']}",
            {"caseHandlerId": str(coordinator.user_id)},
            org["legal"],
        ).status_code
        == 200
    )
    settle(engine)
    assert [m.message["Subject"] for m in mail_server.messages] == ["Weerbaar: incident aan u toegewezen"]
    advance(engine, "notification.digest")
    assert len(mail_server.messages) == 2
    digest = mail_server.messages[1]
    assert digest.recipients == [coordinator.email]
    assert digest.message["Subject"] == "Weerbaar: dagoverzicht van uw meldingen"
    assert "- nieuw incident in de wachtrij: 2" in digest.body and f"{WEB}/notifications" in digest.body
    advance(engine, "notification.digest")  # nothing new: no second digest
    assert len(mail_server.messages) == 2
    with Session(engine) as session:
        kinds = sorted(m.kind for m in session.exec(select(MailOutbox)).all())
    assert kinds == ["daily_digest", "incident_assigned"]
