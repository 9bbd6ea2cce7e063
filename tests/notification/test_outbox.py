"""Sending from the outbox: a server that is down or refuses, retries then failed, and a worker
killed between picking a mail and marking it sent."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app.config import get_settings
from app.notification.models import MailOutbox
from tests.fixtures.factories import add_member
from tests.fixtures.handling import make_incident, set_column
from tests.notification.helpers import advance, settle
from tests.notification.smtp import free_port

ONLY_SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _outbox(engine) -> list[MailOutbox]:
    with Session(engine) as session:
        return list(session.exec(select(MailOutbox).order_by(MailOutbox.created_at)).all())


@ONLY_SQLITE
def test_server_down_is_retried_then_failed_visible_to_admins_and_sent_again(
    client, org, engine, mail_server, monkeypatch
):
    monkeypatch.setenv("WEERBAAR_SMTP_PORT", str(free_port()))  # nobody listens there
    get_settings.cache_clear()
    make_incident(client, org["employee"])  # the case work does not wait for mail
    settle(engine)
    [row] = _outbox(engine)
    assert (row.status, row.attempts) == ("queued", 1) and row.next_attempt_at > datetime.now(UTC)
    advance(engine, "mail.send")
    advance(engine, "mail.send")
    [row] = _outbox(engine)
    assert (row.status, row.attempts) == ("failed", 3) and "refused" in (row.last_error or "").lower()
    assert mail_server.messages == []
    url = "/api/v1/mail-outbox?status=failed"
    assert client.get(url, headers=org["case_handler"].headers).status_code == 403
    [listed] = client.get(url, headers=org["admin"].headers).json()["items"]
    assert listed["id"] == str(row.id) and listed["recipientEmail"] == org["case_handler"].email
    assert listed["status"] == "failed" and listed["attempts"] == 3 and listed["lastError"]
    assert client.get("/api/v1/mail-outbox?status=sent", headers=org["admin"].headers).json()["items"] == []
    # The server is back; the admin sends it again, with the same Message-ID.
    monkeypatch.setenv("WEERBAAR_SMTP_PORT", str(mail_server.port))
    get_settings.cache_clear()
    retry = client.post(f"/api/v1/mail-outbox/{row.id}/retries", headers=org["admin"].headers)
    assert retry.status_code == 202 and retry.json()["status"] == "queued"
    again = client.post(f"/api/v1/mail-outbox/{row.id}/retries", headers=org["admin"].headers)
    assert again.status_code == 409
    settle(engine)
    [message] = mail_server.messages
    assert message.message["Message-ID"] == row.message_id
    assert _outbox(engine)[0].status == "sent"


@ONLY_SQLITE
def test_refused_recipient_fails_at_once_and_other_mails_go(client, org, engine, mail_server):
    other = add_member(engine, org, key="coordinator", roles=["case_handler"])
    mail_server.refuse.add(other.email)
    make_incident(client, org["employee"])  # both coordinators hear of it; one address is refused
    settle(engine)
    by_address = {r.recipient_email: r for r in _outbox(engine)}
    refused = by_address[other.email]
    assert refused.status == "failed" and refused.attempts == 1
    assert "550" in (refused.last_error or "")
    assert by_address[org["case_handler"].email].status == "sent"
    assert [m.recipients for m in mail_server.messages] == [[org["case_handler"].email]]


CRASHER = textwrap.dedent(
    """
    import os, smtplib, sys, uuid
    from app.db import make_engine
    from app.notification import mail

    where = sys.argv[2]
    if where == "before-data":
        smtplib.SMTP.mail = lambda *a, **k: os._exit(9)
    else:
        original = mail._move
        def move(engine, mail_id, worker, src, **values):
            if values.get("status") == "sent":
                os._exit(9)  # the server accepted the message; the worker dies before marking it
            return original(engine, mail_id, worker, src, **values)
        mail._move = move
    engine = make_engine(os.environ["WEERBAAR_DATABASE_URL"])
    mail.deliver(engine, mail_id=uuid.UUID(sys.argv[1]), worker="doomed")
    """
)


def _killed_while_sending(engine, settings, mail_id, where: str) -> None:
    env = {**os.environ, "WEERBAAR_DATABASE_URL": settings.database_url}
    done = subprocess.run(
        [sys.executable, "-c", CRASHER, str(mail_id), where], env=env, cwd=os.getcwd(), timeout=60
    )
    assert done.returncode == 9


@ONLY_SQLITE
def test_worker_killed_between_picking_a_mail_and_marking_it_sent_does_not_send_it_twice(
    client, org, engine, settings, mail_server
):
    make_incident(client, org["employee"])
    [row] = _outbox(engine)
    _killed_while_sending(engine, settings, row.id, "after-accept")
    assert len(mail_server.messages) == 1
    [row] = _outbox(engine)
    assert row.status == "sending"
    # The lease runs out; the job runner looks at the mail again (its job is still queued).
    set_column(engine, "mail_outbox", str(row.id), lease_until=datetime.now(UTC) - timedelta(seconds=1))
    settle(engine)
    assert len(mail_server.messages) == 1  # not sent twice
    [row] = _outbox(engine)
    assert row.status == "failed" and "unconfirmed" in (row.last_error or "")
    listed = client.get("/api/v1/mail-outbox?status=failed", headers=org["admin"].headers).json()["items"]
    assert [m["id"] for m in listed] == [str(row.id)]


@ONLY_SQLITE
def test_worker_killed_before_handing_a_mail_over_sends_it_once_after_the_lease(
    client, org, engine, settings, mail_server
):
    make_incident(client, org["employee"])
    [row] = _outbox(engine)
    _killed_while_sending(engine, settings, row.id, "before-data")
    [row] = _outbox(engine)
    assert (row.status, row.attempts, mail_server.messages) == ("claimed", 1, [])
    settle(engine)  # the lease still holds: nothing is sent, it is looked at again later
    assert mail_server.messages == []
    set_column(engine, "mail_outbox", str(row.id), lease_until=datetime.now(UTC) - timedelta(seconds=1))
    advance(engine, "mail.send")
    [row] = _outbox(engine)
    assert (row.status, row.attempts) == ("sent", 2)
    assert len(mail_server.messages) == 1
