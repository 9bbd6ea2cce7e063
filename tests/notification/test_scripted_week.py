"""A week of one case, time moved by the test: exactly the expected mails and inbox entries."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from sqlmodel import Session, select

from app.notification import texts
from app.notification.models import Notification
from app.organisation.models import Locale
from app.storage import FilesystemStore
from tests.evidence.helpers import png, upload
from tests.fixtures.factories import SECRET, add_member
from tests.fixtures.handling import SENDER_NOTICE, later, make_incident, patch, set_column
from tests.fixtures.receiver import running_receiver
from tests.notification.conftest import HELP, WEB
from tests.notification.helpers import advance, inbox, mails_by_kind, settle
from tests.recording_permission.bodies import permission_body, violation_body

TITLE = "Doodsbedreiging onder de post over parkeerbeleid"
DESCRIPTION = "Hij schreef dat hij de medewerker na het werk zal opwachten."
SECRET_WORDS = (TITLE, DESCRIPTION, "parkeerbeleid", "opwachten", "Jansen")


@pytest.fixture(autouse=True)
def webhooks_to_localhost(monkeypatch):
    """The 410 receiver listens on 127.0.0.1; the job runner reads the secret key from the environment."""
    monkeypatch.setenv("WEERBAAR_WEBHOOK_ALLOW_PRIVATE_TARGETS", "true")
    monkeypatch.setenv("WEERBAAR_SECRET_KEY", SECRET)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_week_of_a_case_tells_exactly_the_right_people(client, app, org, engine, mail_server):
    ch, employee, manager, legal, admin = (
        org[r] for r in ("case_handler", "employee", "manager", "legal", "admin")
    )
    co2 = add_member(engine, org, key="coordinator", roles=["case_handler"])
    colleague = add_member(engine, org, key="colleague", roles=["employee"])
    set_column(engine, "user_account", str(manager.user_id), locale="da")
    set_column(engine, "user_account", str(colleague.user_id), locale="en")
    locale = {m.email: Locale.nl for m in (ch, co2, employee, legal, admin, org["privacy_officer"])}
    locale |= {manager.email: Locale.da, colleague.email: Locale.en}
    managed = patch(client, f"/api/v1/users/{employee.user_id}", {"managerId": str(manager.user_id)}, admin)
    assert managed.status_code == 200 and managed.json()["managerId"] == str(manager.user_id)
    expected: Counter[tuple[str, str]] = Counter()

    def expect(kind: str, *members) -> None:
        for member in members:
            expected[(member.email, kind)] += 1

    # Monday: the employee reports a death threat that names a colleague.
    case = make_incident(
        client,
        employee,
        title=TITLE,
        description=DESCRIPTION,
        behaviours=["death_threat"],
        affectedEmployees=[{"name": "Colleague", "userId": str(colleague.user_id)}],
        perpetrator={"known": True, "name": "J. Jansen"},
    )
    expect("incident_new_in_queue", ch, co2)
    expect("report_registered_manager", manager)
    expect("report_registered_affected", colleague)
    # A change that is refused tells nobody (the notice is in the change's transaction).
    stale = client.patch(
        f"/api/v1/incidents/{case['id']}",
        json={"caseHandlerId": str(ch.user_id)},
        headers={**co2.headers, "If-Match": '"999"'},
    )
    assert stale.status_code == 412
    assigned = patch(client, f"/api/v1/incidents/{case['id']}", {"caseHandlerId": str(ch.user_id)}, co2)
    assert assigned.status_code == 200, assigned.text
    expect("incident_assigned", ch)
    consultation = client.post(
        f"/api/v1/incidents/{case['id']}/actions",
        json={"kind": "consultation", "assigneeId": str(legal.user_id), "dueAt": later(hours=30)},
        headers=ch.headers,
    )
    assert consultation.status_code == 201, consultation.text
    settle(engine)

    # Tuesday: reminders before the due dates; the police report of the death threat is near its deadline.
    advance(engine, "action.reminder")
    expect("police_report_deadline", ch, co2)
    expect("action_due", legal)
    # Wednesday: both steps are overdue: the responsible people and the coordinators hear of it.
    advance(engine, "action.overdue")
    expect("action_overdue", ch, co2)  # the police report (its case handler is a coordinator)
    expect("action_overdue", legal, ch, co2)  # the consultation

    # A second incident by the same perpetrator, handled by the coordinator: a takedown request.
    perpetrator = client.post(
        "/api/v1/perpetrators", json={"name": "J. Jansen", "accountHandles": ["@jj"]}, headers=ch.headers
    ).json()
    own = {"caseHandlerId": str(ch.user_id), "perpetratorId": perpetrator["id"], "title": TITLE}
    second = make_incident(client, ch, **own)
    shot = upload(client, second["id"], ch, png(seed=71)).json()
    request = client.post(
        f"/api/v1/incidents/{second['id']}/takedown-requests",
        json={**SENDER_NOTICE, "evidenceIds": [shot["id"]]},
        headers=ch.headers,
    ).json()
    sent = patch(client, f"/api/v1/takedown-requests/{request['id']}", {"status": "sent"}, ch)
    assert sent.status_code == 200, sent.text
    advance(engine, "takedown.overdue")
    expect("takedown_overdue", ch)
    # Two more incidents by the same perpetrator: the repeat-perpetrator (stalking) signal.
    make_incident(client, ch, **own)
    make_incident(client, ch, **own)
    expect("repeat_perpetrator", ch, co2)

    # A recording made against the conditions: the employee concerned hears of it.
    permission = client.post(
        "/api/v1/recording-permissions",
        json=permission_body(employees=[{"name": "Colleague", "userId": str(colleague.user_id)}]),
        headers=manager.headers,
    ).json()
    violation = client.post(
        f"/api/v1/recording-permissions/{permission['id']}/violations",
        json=violation_body(),
        headers=manager.headers,
    )
    assert violation.status_code == 201, violation.text
    expect("recording_violation", colleague)
    expect("incident_new_in_queue", ch, co2)
    # A published recording is a privacy matter: the privacy officer is asked to judge it.
    expect("privacy_concerned", org["privacy_officer"])

    # Thursday: a receiver answers 410 Gone (subscription disabled) and a stored file changed.
    with running_receiver(fail_first=100, fail_status=410) as receiver:
        subscribed = client.post(
            "/api/v1/webhook-subscriptions",
            json={"url": receiver.url, "eventTypes": ["incident.created"], "description": "GIR"},
            headers=admin.headers,
        )
        assert subscribed.status_code == 201, subscribed.text
        make_incident(client, ch, caseHandlerId=str(ch.user_id))
        settle(engine)
    expect("webhook_disabled", admin)
    store = app.state.store
    assert isinstance(store, FilesystemStore)
    stored = store.root / f"{org.organisation_id}/{second['id']}/{shot['id']}"
    stored.chmod(0o600)
    stored.write_bytes(b"changed")
    checked = client.post(f"/api/v1/evidence/{shot['id']}/verifications", headers=ch.headers)
    assert checked.json()["result"] == "mismatch"
    expect("evidence_integrity_alert", admin)
    settle(engine)

    # Exactly these mails, in each recipient's language, with a link and no incident content.
    assert mails_by_kind(engine, mail_server) == expected
    references = [case["reference"], second["reference"]]
    for message in mail_server.messages:
        [to] = message.recipients
        language = locale[to]
        body, subject = message.body, str(message.message["Subject"])
        assert message.message["Content-Language"] == language.value
        assert body.startswith(texts.GREETING[language].split("{")[0])
        assert texts.FOOTER[language].split(".")[0] in body
        assert f"{WEB}/" in body
        for secret in (*SECRET_WORDS, *references):
            assert secret not in body and secret not in subject
    affected_mail = next(
        m
        for m in mail_server.messages
        if m.recipients == [colleague.email] and "report" in str(m.message["Subject"])
    )
    assert HELP in affected_mail.body and f"{WEB}/incidents/{case['id']}" in affected_mail.body
    # The Danish manager's mail is Danish throughout.
    [to_manager] = [m for m in mail_server.messages if m.recipients == [manager.email]]
    assert to_manager.message["Subject"] == "Weerbaar: indberetning om din medarbejder"
    assert "Dear" not in to_manager.body and "See it" not in to_manager.body

    # The same notices are in each inbox, with the reference but no incident content.
    for member in (ch, co2, employee, manager, legal, admin, colleague):
        page = inbox(client, member, limit=100)
        kinds = Counter(n["kind"] for n in page["items"])
        assert kinds == Counter({k: c for (email, k), c in expected.items() if email == member.email})
        assert page["unreadCount"] == sum(kinds.values())
        text = json.dumps(page)
        assert all(secret not in text for secret in SECRET_WORDS)
    with Session(engine) as session:
        assert len(session.exec(select(Notification)).all()) == sum(expected.values())
