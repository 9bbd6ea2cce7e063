"""Running the job runner as time passes, and reading what reached people."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from app.jobs import service as jobs
from app.jobs.models import Job
from app.notification.models import MailOutbox
from tests.fixtures.factories import Member
from tests.notification.smtp import MailServer


def settle(engine: Engine) -> None:
    """Run every job that is due now (mails included)."""
    while jobs.run_one(engine, "test-worker"):
        pass


def advance(engine: Engine, *kinds: str) -> None:
    """Move time on for the queued jobs of these kinds: they are due now; then run what is due."""
    with Session(engine) as session:
        session.execute(
            update(Job)
            .where(col(Job.status) == "queued", col(Job.kind).in_(kinds))
            .values(run_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        if "mail.send" in kinds:  # a mail waiting for its next attempt is due too
            session.execute(
                update(MailOutbox)
                .where(col(MailOutbox.status) == "queued")
                .values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
            )
        session.commit()
    settle(engine)


def mails_by_kind(engine: Engine, server: MailServer) -> Counter[tuple[str, str]]:
    """(recipient, kind) of every message the SMTP server accepted, the kind from its outbox row."""
    with Session(engine) as session:
        rows = {r.message_id: r for r in session.exec(select(MailOutbox)).all()}
    got: Counter[tuple[str, str]] = Counter()
    for message in server.messages:
        row = rows[str(message.message["Message-ID"])]
        for recipient in message.recipients:
            got[(recipient, row.kind)] += 1
    return got


def inbox(client: TestClient, member: Member, **query: Any) -> dict[str, Any]:
    """The member's inbox page."""
    response = client.get("/api/v1/notifications", params=query, headers=member.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
