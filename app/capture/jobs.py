"""The capture job: load the page, package it, store three objects, then record them in one transaction.

No transaction is open while the browser runs, files are packaged or objects are written and
hashed. Either all three evidence items are recorded together with the capture's `done`, or none
is: on any failure the objects written so far are discarded and the capture is `failed` with a
reason. The job never raises for a failed capture (a retry would load the page again): the
capture's status is its outcome.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import tempfile
import uuid
from pathlib import Path
from typing import Any

from sqlmodel import Session

from app.audit import service as audit
from app.auth.actor import Actor
from app.auth.models import ApiClient
from app.capture import archive, recorder
from app.capture import service as captures
from app.capture.fetch import CaptureFailed, policy_from
from app.capture.models import Capture, CaptureReason, CaptureStatus
from app.config import get_settings
from app.db import utcnow
from app.evidence import service as evidence
from app.evidence.models import EvidenceKind
from app.evidence.schemas import EvidenceCreate
from app.incident.models import Incident
from app.jobs import service as jobs
from app.organisation.models import Role, User
from app.storage import ObjectStore, make_store

log = logging.getLogger("weerbaar.capture")

CHUNK = 1024 * 1024
FILES = (
    # (package attribute, content type, evidence kind, what it is)
    (
        "wacz",
        "application/wacz",
        EvidenceKind.web_capture,
        "Web archive (WACZ) of every request and response",
    ),
    ("screenshot", "image/png", EvidenceKind.screenshot, "Full-page screenshot"),
    ("metadata", "application/json", EvidenceKind.web_capture, "Capture metadata"),
)


def requester(session: Session, capture: Capture) -> Actor:
    """The one who asked for the capture, as the actor of its evidence and custody events."""
    if capture.requested_by_user_id is not None:
        user = session.get(User, capture.requested_by_user_id)
        return Actor(
            kind="user",
            organisation_id=capture.organisation_id,
            label=user.email if user else "user",
            user_id=capture.requested_by_user_id,
            roles=frozenset(Role(r) for r in (user.roles if user else [])),
        )
    client = (
        session.get(ApiClient, capture.requested_by_client_id) if capture.requested_by_client_id else None
    )
    return Actor(
        kind="apiClient" if client else "system",
        organisation_id=capture.organisation_id,
        label=client.name if client else "system",
        client_id=capture.requested_by_client_id,
    )


def _store_file(store: ObjectStore, *, key: str, path: Path, content_type: str) -> tuple[int, str]:
    """Write a local file to the store, hashing it on the way; (size, sha256)."""
    digest = hashlib.sha256()
    size = 0
    writer = store.writer(key, content_type=content_type)
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
                writer.write(chunk)
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    return size, digest.hexdigest()


def _record_done(
    session: Session,
    *,
    capture_id: uuid.UUID,
    stored: dict[str, evidence.StoredFile],
    recording: recorder.Recording,
    store: ObjectStore,
) -> None:
    """The three evidence items and the capture's `done`, in one transaction."""
    capture = session.get(Capture, capture_id)
    assert capture is not None
    incident = session.get(Incident, capture.incident_id)
    assert incident is not None
    actor = requester(session, capture)
    ids: dict[str, uuid.UUID] = {}
    duplicates: list[str] = []
    for name, _type, kind, what in FILES:
        data = EvidenceCreate(
            kind=kind,
            captured_at=recording.finished_at,
            source_url=capture.url,
            description=f"{what}: web capture of {capture.url} (capture {capture.id}).",
        )
        item, created = evidence.record_upload(
            session, incident=incident, actor=actor, stored=stored[name], data=data
        )
        if not created:
            duplicates.append(stored[name].key)
        ids[name] = item.id
    capture.status = CaptureStatus.done.value
    capture.final_url = recording.final_url[:2048]
    capture.http_status = recording.main.status
    capture.wacz_evidence_id = ids["wacz"]
    capture.screenshot_evidence_id = ids["screenshot"]
    capture.metadata_evidence_id = ids["metadata"]
    capture.finished_at = capture.updated_at = utcnow()
    session.add(capture)
    audit.record(
        session,
        action="capture.done",
        organisation_id=capture.organisation_id,
        object_type="web_capture",
        object_id=capture.id,
        details={"incidentId": str(capture.incident_id), "evidenceIds": {k: str(v) for k, v in ids.items()}},
    )
    session.commit()
    for key in duplicates:  # the incident already held that very file: its item is linked instead
        store.discard(key)


def run(session: Session, capture_id: uuid.UUID) -> None:
    """Carry out one capture from its row to done or failed."""
    capture = session.get(Capture, capture_id)
    if capture is None or capture.status in (CaptureStatus.done.value, CaptureStatus.failed.value):
        session.commit()
        return
    captures.mark_running(session, capture=capture)
    url, incident_id, organisation_id = capture.url, capture.incident_id, capture.organisation_id
    actor = requester(session, capture)
    requested_by = {"kind": actor.kind, "id": str(actor.actor_id) if actor.actor_id else None,
                    "label": actor.label}  # fmt: skip
    session.commit()  # nothing below holds a transaction until the outcome is recorded
    settings = get_settings()
    store = make_store(settings)
    written: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="weerbaar-capture-") as workdir:
            recording = asyncio.run(
                recorder.record(url, policy=policy_from(settings), browser_path=settings.capture_browser_path)
            )
            files = archive.package(
                recording, workdir=Path(workdir), capture_id=capture_id, requested_by=requested_by
            )
            stored: dict[str, evidence.StoredFile] = {}
            for name, content_type, _kind, _what in FILES:
                path: Path = getattr(files, name)
                evidence_id = uuid.uuid4()
                key = evidence.storage_key(
                    organisation_id=organisation_id, incident_id=incident_id, evidence_id=evidence_id
                )
                written.append(key)
                try:
                    size, sha256 = _store_file(store, key=key, path=path, content_type=content_type)
                except Exception as exc:
                    raise CaptureFailed(CaptureReason.storage_failed, f"{type(exc).__name__}: {exc}") from exc
                stored[name] = evidence.StoredFile(
                    evidence_id=evidence_id, key=key, size=size, sha256=sha256,
                    content_type=content_type, claimed_content_type=None, filename=path.name,
                )  # fmt: skip
        _record_done(session, capture_id=capture_id, stored=stored, recording=recording, store=store)
    except Exception as exc:
        session.rollback()
        for key in written:
            try:
                store.discard(key)
            except Exception:
                log.warning("capture %s: could not discard %s", capture_id, key, exc_info=True)
        if isinstance(exc, CaptureFailed):
            failure = exc
        else:
            log.warning("capture %s failed unexpectedly", capture_id, exc_info=True)
            failure = CaptureFailed(CaptureReason.internal_error, f"{type(exc).__name__}: {exc}")
        capture = session.get(Capture, capture_id)
        if capture is not None:
            captures.mark_failed(session, capture=capture, failure=failure)
            session.commit()


@jobs.handler(captures.CAPTURE_JOB)
def run_capture(session: Session, payload: dict[str, Any]) -> None:
    """The job: one capture, by id."""
    run(session, uuid.UUID(str(payload["captureId"])))
