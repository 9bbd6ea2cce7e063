"""Enqueueing and running background jobs from the job table.

Embedded mode runs a worker thread inside the server; production runs `weerbaar worker`
processes, which on PostgreSQL claim jobs with FOR UPDATE SKIP LOCKED.
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

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.db import session_scope, utcnow
from app.jobs.models import Job, JobStatus

log = logging.getLogger("weerbaar.jobs")

Handler = Callable[[Session, dict[str, Any]], None]
HANDLERS: dict[str, Handler] = {}


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


def _claim(session: Session, worker_id: str) -> Job | None:
    stmt = (
        select(Job)
        .where(Job.status == JobStatus.queued.value, col(Job.run_at) <= utcnow())
        .order_by(col(Job.run_at))
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    job = session.exec(stmt).first()
    if job is None:
        return None
    job.status, job.locked_by, job.locked_at = JobStatus.running.value, worker_id, utcnow()
    job.attempts += 1
    session.add(job)
    return job


def backoff(attempt: int) -> timedelta:
    """Exponential back-off with full jitter: up to 2^attempt * 10 seconds, at most an hour."""
    return timedelta(seconds=random.uniform(0, min(3600, 10 * 2**attempt)))  # noqa: S311


def run_one(engine: Engine, worker_id: str) -> bool:
    """Claim and run one due job; False when none was due."""
    with session_scope(engine) as session:
        job = _claim(session, worker_id)
        if job is None:
            return False
        job_id, kind, payload = job.id, job.kind, dict(job.payload)
    error: str | None = None
    try:
        func = HANDLERS.get(kind)
        if func is None:
            raise LookupError(f"no handler for job kind {kind!r}")
        with session_scope(engine) as session:
            func(session, payload)
    except Exception:  # noqa: BLE001 - a failing job must not stop the worker
        error = traceback.format_exc(limit=5)[-2000:]
        log.warning("job %s (%s) failed", job_id, kind)
    _finish(engine, job_id, error)
    return True


def _finish(engine: Engine, job_id: uuid.UUID, error: str | None) -> None:
    with session_scope(engine) as session:
        job = session.get(Job, job_id)
        if job is None:
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


def run_forever(engine: Engine, stop: threading.Event, poll_seconds: float = 1.0) -> None:
    """Run due jobs until `stop` is set; sleeps between polls when idle."""
    me = worker_id()
    while not stop.is_set():
        try:
            busy = run_one(engine, me)
        except Exception:
            log.exception("job runner error")
            busy = False
        if not busy:
            stop.wait(poll_seconds)
