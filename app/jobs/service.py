"""Enqueueing and running background jobs from the job table.

Embedded mode runs a worker thread inside the server; production runs `weerbaar worker`
processes, which on PostgreSQL claim jobs with FOR UPDATE SKIP LOCKED.

A claimed job holds a lease that its worker renews while the job runs. A worker that dies
(kill -9, a lost machine) stops renewing: once the lease has expired, any worker claims the job
again. Jobs therefore run at least once, and handlers must be safe to repeat.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import traceback
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, or_, update
from sqlmodel import Session, col, select

from app.db import session_scope, utcnow
from app.jobs.models import Job, JobStatus

log = logging.getLogger("weerbaar.jobs")

Handler = Callable[[Session, dict[str, Any]], None]
HANDLERS: dict[str, Handler] = {}
# How long a claimed job stays claimed without its worker renewing the lease.
DEFAULT_LEASE_SECONDS = 60.0


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that runs jobs of this kind; it receives ids, not objects."""

    def register(func: Handler) -> Handler:
        HANDLERS[kind] = func
        return func

    return register


def enqueue(session: Session, *, kind: str, payload: dict[str, Any], run_at: datetime | None = None) -> Job:
    """Add a job; it runs once the request's transaction has committed."""
    job = Job(kind=kind, payload=payload, run_at=run_at or utcnow())
    session.add(job)
    session.flush()
    return job


def _claim(session: Session, worker_id: str, lease: timedelta) -> Job | None:
    now = utcnow()
    due = and_(col(Job.status) == JobStatus.queued.value, col(Job.run_at) <= now)
    # A running job whose lease ran out: its worker died without finishing it.
    abandoned = and_(col(Job.status) == JobStatus.running.value, col(Job.locked_at) < now - lease)
    stmt = select(Job).where(or_(due, abandoned)).order_by(col(Job.run_at)).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    while (job := session.exec(stmt).first()) is not None:
        if job.status == JobStatus.running.value:
            log.warning("job %s (%s): lease of %s expired; running it again", job.id, job.kind, job.locked_by)
            if job.attempts >= job.max_attempts:
                job.status, job.finished_at = JobStatus.failed.value, now
                job.locked_by = job.locked_at = None
                job.last_error = f"its worker stopped while running it ({job.attempts} attempts)"
                session.add(job)
                session.flush()
                continue
        job.status, job.locked_by, job.locked_at = JobStatus.running.value, worker_id, now
        job.attempts += 1
        session.add(job)
        return job
    return None


def _still_ours(job_id: uuid.UUID, worker_id: str, attempt: int) -> Any:
    return and_(
        col(Job.id) == job_id,
        col(Job.status) == JobStatus.running.value,
        col(Job.locked_by) == worker_id,
        col(Job.attempts) == attempt,
    )


def _renew(
    engine: Engine, claim: tuple[uuid.UUID, str, int], lease: timedelta, stop: threading.Event
) -> None:
    """Keep the lease while the job runs: renewed three times per lease."""
    while not stop.wait(lease.total_seconds() / 3):
        try:
            with session_scope(engine) as session:
                found = session.execute(update(Job).where(_still_ours(*claim)).values(locked_at=utcnow()))
            if getattr(found, "rowcount", 1) == 0:
                log.warning("job %s: lease lost to another worker", claim[0])
                return
        except Exception:  # a missed renewal is retried; the lease has slack
            log.warning("job %s: lease renewal failed", claim[0], exc_info=True)


def backoff(attempt: int) -> timedelta:
    """Exponential back-off with full jitter: up to 2^attempt * 10 seconds, at most an hour."""
    return timedelta(seconds=random.uniform(0, min(3600, 10 * 2**attempt)))  # noqa: S311


def run_one(engine: Engine, worker_id: str, *, lease_seconds: float = DEFAULT_LEASE_SECONDS) -> bool:
    """Claim and run one due (or abandoned) job; False when none was due."""
    lease = timedelta(seconds=lease_seconds)
    with session_scope(engine) as session:
        job = _claim(session, worker_id, lease)
        if job is None:
            return False
        claim = (job.id, worker_id, job.attempts)
        kind, payload = job.kind, dict(job.payload)
    stop = threading.Event()
    renewer = threading.Thread(
        target=_renew, args=(engine, claim, lease, stop), name="weerbaar-job-lease", daemon=True
    )
    renewer.start()
    error: str | None = None
    try:
        func = HANDLERS.get(kind)
        if func is None:
            raise LookupError(f"no handler for job kind {kind!r}")
        with session_scope(engine) as session:
            func(session, payload)
    except Exception:  # noqa: BLE001 - a failing job must not stop the worker
        error = traceback.format_exc(limit=5)[-2000:]
        log.warning("job %s (%s) failed", claim[0], kind)
    finally:
        stop.set()
        renewer.join()
    _finish(engine, claim, error)
    return True


def _finish(engine: Engine, claim: tuple[uuid.UUID, str, int], error: str | None) -> None:
    with session_scope(engine) as session:
        job = session.exec(select(Job).where(_still_ours(*claim))).first()
        if job is None:
            # The lease expired and another worker took the job over: its outcome counts.
            log.warning("job %s: finished after its lease was lost; result dropped", claim[0])
            return
        job.locked_by = job.locked_at = None
        if error is None:
            job.status, job.finished_at = JobStatus.done.value, utcnow()
        elif job.attempts >= job.max_attempts:
            job.status, job.finished_at, job.last_error = JobStatus.failed.value, utcnow(), error
        else:
            job.status, job.last_error = JobStatus.queued.value, error
            job.run_at = utcnow() + backoff(job.attempts)
        session.add(job)


def worker_id() -> str:
    """A name for this worker in the job table: host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_forever(
    engine: Engine,
    stop: threading.Event,
    poll_seconds: float = 1.0,
    *,
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
) -> None:
    """Run due jobs until `stop` is set; sleeps between polls when idle."""
    me = worker_id()
    while not stop.is_set():
        try:
            busy = run_one(engine, me, lease_seconds=lease_seconds)
        except Exception:
            log.exception("job runner error")
            busy = False
        if not busy:
            stop.wait(poll_seconds)
