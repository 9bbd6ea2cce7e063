"""The audit log: who may read it, and that the chain detects tampering."""

from __future__ import annotations

from sqlmodel import Session, select

from app.audit import service as audit
from app.audit.models import AuditEvent
from tests.fixtures.factories import incident_body


def test_only_auditors_and_admins_read_the_log(client, org):
    assert client.get("/api/v1/audit-events", headers=org["employee"].headers).status_code == 403
    assert client.get("/api/v1/audit-events", headers=org["case_handler"].headers).status_code == 403
    assert client.get("/api/v1/audit-events", headers=org["admin"].headers).status_code == 200
    assert client.get("/api/v1/audit-events", headers=org["auditor"].headers).status_code == 200


def test_log_is_per_organisation_and_paginated(client, org, other_org):
    for _ in range(3):
        client.post("/api/v1/incidents", json=incident_body(), headers=org["employee"].headers)
    client.post("/api/v1/incidents", json=incident_body(), headers=other_org["case_handler"].headers)
    seen = []
    url = "/api/v1/audit-events?action=incident.create&limit=2"
    while url:
        page = client.get(url, headers=org["auditor"].headers).json()
        seen.extend(page["items"])
        url = page["next"]
    assert len(seen) == 3
    assert [e["seq"] for e in seen] == sorted((e["seq"] for e in seen), reverse=True)
    assert all(e["origin"] == "testclient" for e in seen)


def test_chain_verifies_and_detects_tampering(client, org, engine):
    client.post("/api/v1/incidents", json=incident_body(), headers=org["employee"].headers)
    with Session(engine) as session:
        assert audit.verify(session).ok
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "incident.create")).one()
        event.actor_label = "someone else"
        session.add(event)
        session.commit()
        result = audit.verify(session)
    assert not result.ok
    assert result.first_break is not None
    assert result.first_break.event_id == event.id
    assert "hash" in result.first_break.reason


def test_deleted_event_breaks_the_chain(client, org, engine):
    for _ in range(2):
        client.post("/api/v1/incidents", json=incident_body(), headers=org["employee"].headers)
    with Session(engine) as session:
        first = session.exec(select(AuditEvent).where(AuditEvent.action == "incident.create")).first()
        session.delete(first)
        session.commit()
        result = audit.verify(session)
    assert not result.ok
    assert "gap" in result.first_break.reason
