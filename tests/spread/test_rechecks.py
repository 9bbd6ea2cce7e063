"""Aftercare because posts resurface: re-checks of removed URLs against pages served on 127.0.0.1,
run by the job runner with the clock moved by the test (nothing sleeps)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.jobs import service as jobs
from app.notification.models import Notification
from app.spread import recheck as recheck_module
from tests.fixtures.handling import make_incident, patch
from tests.spread.pages import closed_port_url, serving


@pytest.fixture
def pages():
    with serving() as running:
        yield running


def _watch(client, member, incident_id, url, **more):
    response = client.post(
        f"/api/v1/incidents/{incident_id}/url-rechecks", json={"url": url, **more}, headers=member.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def _check_now(client, member, recheck_id):
    response = client.post(f"/api/v1/url-rechecks/{recheck_id}/results", headers=member.headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_check_now_reads_each_answer_and_refuses_private_addresses(client, org, settings, pages) -> None:
    handler = org["case_handler"]
    incident = make_incident(client, handler)
    # Internal addresses are refused unless allowed: nothing reaches the page.
    guarded = _watch(client, handler, incident["id"], pages.url("/back"))
    refused = _check_now(client, handler, guarded["id"])
    assert refused["outcome"] == "unreachable" and refused["httpStatus"] is None
    assert "private, loopback or reserved" in refused["detail"]
    assert pages.requests == []

    settings.url_recheck_allow_private_targets = True
    expected = {
        "/back": ("back_online", 200),
        "/post": ("still_removed", 404),
        "/gone": ("still_removed", 410),
        "/legal": ("still_removed", 451),
        "/moved": ("inconclusive", 302),
    }
    for path, (outcome, status) in expected.items():
        watched = _watch(client, handler, incident["id"], pages.url(path))
        result = _check_now(client, handler, watched["id"])
        assert (result["outcome"], result["httpStatus"], result["scheduled"]) == (outcome, status, False)
    assert ("GET", "/login") not in pages.requests  # the redirect was not followed
    closed = _watch(client, handler, incident["id"], closed_port_url())
    unreachable = _check_now(client, handler, closed["id"])
    assert unreachable["outcome"] == "unreachable" and unreachable["httpStatus"] is None

    shown = client.get(f"/api/v1/url-rechecks/{closed['id']}", headers=handler.headers).json()
    assert shown["lastOutcome"] == "unreachable" and len(shown["results"]) == 1
    # Who may ask: handlers only; another organisation does not see it at all.
    assert (
        client.post(
            f"/api/v1/url-rechecks/{closed['id']}/results", headers=org["employee"].headers
        ).status_code
        == 403
    )


def test_scheduled_rechecks_record_results_notify_once_and_end(
    client, org, engine, settings, pages, monkeypatch
) -> None:
    settings.url_recheck_allow_private_targets = True
    monkeypatch.setattr(recheck_module, "get_settings", lambda: settings)
    handler = org["case_handler"]
    incident = make_incident(client, handler)
    start = datetime.now(UTC)
    watched = _watch(client, handler, incident["id"], pages.url("/post"), intervalDays=7, durationDays=25)
    assert datetime.fromisoformat(watched["nextCheckAt"]) > start + timedelta(days=7) - timedelta(minutes=1)

    def at(days: float) -> None:
        """Move the clock of the job runner and the re-checks to start + days, and run what is due."""
        moment = start + timedelta(days=days)
        monkeypatch.setattr(jobs, "utcnow", lambda: moment)
        monkeypatch.setattr(recheck_module, "utcnow", lambda: moment)
        while jobs.run_one(engine, "test-worker"):
            pass

    def current():
        return client.get(f"/api/v1/url-rechecks/{watched['id']}", headers=handler.headers).json()

    def notices():
        with Session(engine) as session:
            return session.exec(select(Notification).where(Notification.kind == "url_back_online")).all()

    at(6)
    assert current()["results"] == []  # not due yet
    at(7.01)
    first = current()
    assert [r["outcome"] for r in first["results"]] == ["still_removed"]
    assert first["results"][0]["scheduled"] is True
    assert datetime.fromisoformat(first["nextCheckAt"]) > start + timedelta(days=14)

    pages.answers["/post"] = 200  # it resurfaced
    at(14.02)
    second = current()
    assert [r["outcome"] for r in second["results"]] == ["back_online", "still_removed"]
    sent = notices()
    assert sent and {n.user_id for n in sent} == {handler.user_id}
    assert sent[0].incident_id is not None and "x.com" not in sent[0].message

    # Still back at the next check: recorded, but nobody is told twice; the period then ends.
    at(21.03)
    third = current()
    assert [r["outcome"] for r in third["results"]][:1] == ["back_online"]
    assert len(notices()) == len(sent)
    assert third["status"] == "ended" and third["nextCheckAt"] is None

    with Session(engine) as session:
        checked = session.exec(select(AuditEvent).where(AuditEvent.action == "recheck.checked")).all()
    assert len(checked) == 3 and all(e.actor_label == "job:url.recheck" for e in checked)


def test_stop_resume_and_interval_are_changed_with_the_etag(client, org, engine, monkeypatch, pages) -> None:
    handler = org["case_handler"]
    incident = make_incident(client, handler)
    watched = _watch(client, handler, incident["id"], pages.url("/post"))
    url = f"/api/v1/url-rechecks/{watched['id']}"
    assert client.patch(url, json={"status": "stopped"}, headers=handler.headers).status_code == 428
    stopped = patch(client, url, {"status": "stopped"}, handler)
    assert stopped.status_code == 200 and stopped.json()["nextCheckAt"] is None
    # The job scheduled before the stop finds nothing to do.
    later = datetime.now(UTC) + timedelta(days=8)
    monkeypatch.setattr(jobs, "utcnow", lambda: later)
    while jobs.run_one(engine, "test-worker"):
        pass
    assert client.get(url, headers=handler.headers).json()["results"] == []
    monkeypatch.undo()
    resumed = patch(client, url, {"status": "active", "intervalDays": 3}, handler)
    assert resumed.status_code == 200, resumed.text
    assert resumed.json()["status"] == "active" and resumed.json()["intervalDays"] == 3
    assert resumed.json()["nextCheckAt"] is not None
    bad = patch(client, url, {"status": "ended", "intervalDays": 0}, handler)
    assert bad.status_code == 400
    assert {e["name"] for e in bad.json()["errors"]} == {"status", "intervalDays"}
    invalid = client.post(
        f"/api/v1/incidents/{incident['id']}/url-rechecks",
        json={"url": "file:///etc/passwd", "intervalDays": 0, "durationDays": 1000},
        headers=handler.headers,
    )
    assert invalid.status_code == 400
    assert {e["name"] for e in invalid.json()["errors"]} == {"url", "intervalDays", "durationDays"}
