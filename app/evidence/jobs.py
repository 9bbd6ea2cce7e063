"""The periodic verification of all stored evidence (a job that schedules its next run)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from app.config import get_settings
from app.db import utcnow
from app.evidence import service
from app.evidence.models import Evidence, VerificationResult
from app.jobs import service as jobs
from app.jobs.models import Job, JobStatus
from app.storage import ObjectStore, make_store

log = logging.getLogger("weerbaar.evidence")

VERIFY_ALL = "evidence.verify_all"
INTERVAL = timedelta(hours=24)
BATCH = 100


def ensure_scheduled(session: Session, *, run_at: datetime | None = None) -> Job | None:
    """Queue the next periodic verification unless one is queued already; the new job or None."""
    queued = session.exec(
        select(Job.id).where(Job.kind == VERIFY_ALL, Job.status == JobStatus.queued.value).limit(1)
    ).first()
    if queued is not None:
        return None
    return jobs.enqueue(session, kind=VERIFY_ALL, payload={}, run_at=run_at or utcnow() + INTERVAL)


@dataclass
class Summary:
    """How many items a verification run checked, by result."""

    counts: dict[str, int]


def verify_all(session: Session, store: ObjectStore) -> Summary:
    """Verify every live item, one at a time, holding no transaction while an object is read."""
    counts = {r.value: 0 for r in VerificationResult}
    after: uuid.UUID | None = None
    while True:
        stmt = select(Evidence.id).where(col(Evidence.removed_at).is_(None))
        if after is not None:
            stmt = stmt.where(col(Evidence.id) > after)
        ids = list(session.exec(stmt.order_by(col(Evidence.id)).limit(BATCH)).all())
        session.commit()
        if not ids:
            break
        for evidence_id in ids:
            item = session.get(Evidence, evidence_id)
            if item is None or item.storage_key is None:
                session.commit()
                continue
            key, sha256 = item.storage_key, item.sha256
            session.commit()
            check = service.check_object(store, key=key, sha256=sha256)
            item = session.get(Evidence, evidence_id)
            if item is None:
                continue
            service.record_verification(session, item=item, check=check, actor=None)
            session.commit()
            counts[check.result.value] += 1
        after = ids[-1]
    log.info("evidence verification: %s", counts)
    return Summary(counts)


@jobs.handler(VERIFY_ALL)
def run_verify_all(session: Session, payload: dict[str, Any]) -> None:
    """The job: verify everything, then queue the next run."""
    verify_all(session, make_store(get_settings()))
    ensure_scheduled(session)
