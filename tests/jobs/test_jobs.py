"""The job table: jobs run once, failures are retried with back-off and finally marked failed."""

from __future__ import annotations

from sqlmodel import Session

from app.db import session_scope
from app.jobs import service as jobs
from app.jobs.models import Job

CALLS: list[dict] = []


@jobs.handler("test.record")
def _record(session, payload):
    CALLS.append(payload)


@jobs.handler("test.fail")
def _fail(session, payload):
    raise RuntimeError("boom")


def test_due_job_runs_once(engine):
    CALLS.clear()
    with session_scope(engine) as session:
        job_id = jobs.enqueue(session, kind="test.record", payload={"incidentId": "x"}).id
    assert jobs.run_one(engine, "w1") is True
    assert jobs.run_one(engine, "w1") is False
    assert CALLS == [{"incidentId": "x"}]
    with Session(engine) as session:
        assert session.get(Job, job_id).status == "done"


def test_failing_job_is_retried_later_then_marked_failed(engine):
    with session_scope(engine) as session:
        job = jobs.enqueue(session, kind="test.fail", payload={})
        job.max_attempts = 2
        job_id = job.id
    assert jobs.run_one(engine, "w1") is True
    with Session(engine) as session:
        job = session.get(Job, job_id)
        assert job.status == "queued" and job.attempts == 1 and "boom" in job.last_error
        job.run_at = job.created_at
        session.add(job)
        session.commit()
    assert jobs.run_one(engine, "w1") is True
    with Session(engine) as session:
        assert session.get(Job, job_id).status == "failed"


def test_unknown_job_kind_fails_without_stopping_the_worker(engine):
    with session_scope(engine) as session:
        jobs.enqueue(session, kind="test.unknown", payload={})
    assert jobs.run_one(engine, "w1") is True


def test_backoff_grows_and_is_capped():
    assert all(jobs.backoff(1).total_seconds() <= 20 for _ in range(20))
    assert all(jobs.backoff(30).total_seconds() <= 3600 for _ in range(20))


def test_every_job_kind_the_product_enqueues_has_a_handler():
    from app.action.reminders import REMINDER_JOB
    from app.evidence.jobs import VERIFY_ALL
    from app.idempotency.service import PURGE_JOB
    from app.jobs.handlers import register_all
    from app.webhook.delivery import DELIVER_JOB

    register_all()
    for kind in (REMINDER_JOB, VERIFY_ALL, PURGE_JOB, DELIVER_JOB):
        assert kind in jobs.HANDLERS, kind
