"""Timestamping evidence: a job per new item asks the TSA, retried with back-off, never in a write.

Evidence is always stored first; `request_for` (called where an item is recorded) only adds a
pending row and queues the job, so a TSA that is down never holds up or loses an upload. The job
reads the digest, ends its transaction, asks the TSA (app.timestamp.client.stamp) and writes the
outcome. After WEERBAAR_TSA_MAX_ATTEMPTS failures the row is `failed`; the audit anchoring job
queues failed rows again.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from app.audit import service as audit
from app.auth.actor import Actor
from app.config import get_settings
from app.db import utcnow
from app.evidence.models import Evidence
from app.jobs import service as jobs
from app.timestamp import client
from app.timestamp.models import EvidenceTimestamp, TimestampStatus

log = logging.getLogger("weerbaar.timestamp")

STAMP_JOB = "timestamp.evidence"


def _enqueue(session: Session, evidence_id: uuid.UUID) -> None:
    job = jobs.enqueue(session, kind=STAMP_JOB, payload={"evidenceId": str(evidence_id)})
    # The handler counts its own attempts and gives up itself; the job only must not give up first.
    job.max_attempts = get_settings().tsa_max_attempts + 1
    session.add(job)


def request_for(session: Session, *, item: Evidence) -> EvidenceTimestamp | None:
    """Queue the stamping of a newly stored item's SHA-256; None (nothing queued) without a TSA."""
    if not client.configured():
        return None
    row = EvidenceTimestamp(evidence_id=item.id, organisation_id=item.organisation_id, sha256=item.sha256)
    session.add(row)
    session.flush()
    _enqueue(session, item.id)
    return row


def tokens_for(session: Session, *, evidence_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, EvidenceTimestamp]:
    """The stored timestamp rows of these evidence items, by id (items without a row are left out).

    A row's `token` holds the TSA's reply (DER, for a `.tsr` file) once its status is `stamped`.
    The caller has checked that the actor may see the items.
    """
    ids = list(evidence_ids)
    if not ids:
        return {}
    rows = session.exec(select(EvidenceTimestamp).where(col(EvidenceTimestamp.evidence_id).in_(ids))).all()
    return {row.evidence_id: row for row in rows}


def token_of(session: Session, *, item: Evidence) -> EvidenceTimestamp | None:
    """The item's timestamp row, if a TSA was configured when it was stored."""
    return session.get(EvidenceTimestamp, item.id)


def record_download(session: Session, *, item: Evidence, row: EvidenceTimestamp, actor: Actor) -> None:
    """The audit event for handing out an item's timestamp token."""
    audit.record(
        session,
        action="evidence.timestamp_downloaded",
        organisation_id=item.organisation_id,
        actor=actor,
        object_type="evidence",
        object_id=item.id,
        details={"incidentId": str(item.incident_id), "sha256": row.sha256, "serial": row.serial},
    )


def requeue_failed(session: Session) -> int:
    """Queue the items whose stamping gave up again (the TSA may be back); how many."""
    rows = session.exec(
        select(EvidenceTimestamp).where(EvidenceTimestamp.status == TimestampStatus.failed.value).limit(500)
    ).all()
    for row in rows:
        row.status, row.updated_at = TimestampStatus.pending.value, utcnow()
        session.add(row)
        _enqueue(session, row.evidence_id)
    return len(rows)


def stamp_evidence(session: Session, *, evidence_id: uuid.UUID) -> EvidenceTimestamp | None:
    """Ask the TSA for the item's token and store it; raises TsaError (after recording the attempt)
    while attempts remain, so that the job runner retries with back-off."""
    row = session.get(EvidenceTimestamp, evidence_id)
    if row is None or row.status == TimestampStatus.stamped.value:
        return row
    digest = bytes.fromhex(row.sha256)
    # No transaction (and on SQLite no write lock) is held while the TSA answers.
    session.commit()
    try:
        token = client.stamp(digest)
        error = None
    except client.TsaError as exc:
        token, error = None, exc
    row = session.get(EvidenceTimestamp, evidence_id)
    assert row is not None
    row.attempts += 1
    row.updated_at = utcnow()
    if token is None and error is None:  # the TSA was switched off meanwhile
        row.status, row.last_error = TimestampStatus.failed.value, "no TSA is configured"
    elif token is not None:
        row.status, row.last_error = TimestampStatus.stamped.value, None
        row.token, row.gen_time, row.tsa_name, row.serial = (
            token.der,
            token.gen_time,
            token.tsa_name,
            token.serial,
        )
        audit.record(
            session,
            action="evidence.timestamped",
            organisation_id=row.organisation_id,
            object_type="evidence",
            object_id=row.evidence_id,
            details={
                "sha256": row.sha256,
                "genTime": token.gen_time.isoformat().replace("+00:00", "Z"),
                "tsa": token.tsa_name,
                "serial": token.serial,
            },
        )
    else:
        row.last_error = str(error)[:500]
        if row.attempts >= get_settings().tsa_max_attempts:
            row.status = TimestampStatus.failed.value
            log.error(
                "timestamp for evidence %s failed after %d attempts: %s", evidence_id, row.attempts, error
            )
    session.add(row)
    if row.status != TimestampStatus.pending.value:
        # The item's API view changed: its place in the change feed (and its ETag) moves.
        item = session.get(Evidence, evidence_id)
        if item is not None:
            item.updated_at = row.updated_at
            session.add(item)
    session.commit()
    if error is not None and row.status == TimestampStatus.pending.value:
        log.warning("timestamp for evidence %s: attempt %d failed: %s", evidence_id, row.attempts, error)
        raise error
    return row


@jobs.handler(STAMP_JOB)
def run_stamp(session: Session, payload: dict[str, Any]) -> None:
    """The job: stamp one evidence item's hash (retried by the runner while the TSA is down)."""
    stamp_evidence(session, evidence_id=uuid.UUID(str(payload["evidenceId"])))
