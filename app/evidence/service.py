"""Evidence: recording uploads, access, custody, verification, legal hold and removal.

Visibility follows the incident: whoever may see the incident may see its evidence
(incident.service.get enforces organisation and need-to-know). Every access to the content is
a custody event and an audit event.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from pydantic.alias_generators import to_camel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import concurrency, pagination
from app.audit import service as audit
from app.auth.actor import Actor, Scope
from app.db import utcnow
from app.errors import Conflict, DomainError, FieldError, Forbidden, Invalid, InvalidState, NotFound
from app.evidence.models import CustodyEvent, CustodyKind, Evidence, EvidenceKind, VerificationResult
from app.evidence.schemas import EvidenceCreate, EvidenceUpdate
from app.incident import service as incidents
from app.incident.models import Incident, Status
from app.organisation.models import Role
from app.storage import ObjectLocked, ObjectMissing, ObjectStore
from app.webhook import service as webhooks

log = logging.getLogger("weerbaar.evidence")
alerts = logging.getLogger("weerbaar.alerts")

HOLD_ROLES = (Role.case_handler, Role.privacy_officer, Role.legal)


class Gone(DomainError):
    """The content was removed at the end of its retention period (410)."""

    def __init__(self) -> None:
        super().__init__(
            "The content of this evidence was removed at the end of its retention period; "
            "its tombstone (with the SHA-256) remains.",
            [],
            410,
            "Gone",
            "gone",
        )


# --- access -----------------------------------------------------------------------------------


def require_scope(actor: Actor, scope: Scope) -> None:
    """API clients need the scope; staff users are governed by incident visibility and roles."""
    if actor.kind == "apiClient" and not actor.has_scope(scope):
        raise Forbidden(f"This API client lacks the scope {scope.value}.")


def sees_custody_origins(actor: Actor) -> bool:
    """Network addresses in the custody log are personal data of colleagues: for case handling
    staff, administrators and auditors (who read them in the audit log as well) and API clients."""
    return actor.kind != "user" or actor.is_handler or actor.has_role(Role.admin, Role.auditor)


def get(session: Session, *, evidence_id: uuid.UUID, actor: Actor) -> Evidence:
    """One evidence item whose incident the actor may see, or NotFound."""
    require_scope(actor, Scope.evidence_read)
    item = session.exec(
        select(Evidence).where(Evidence.id == evidence_id, Evidence.organisation_id == actor.organisation_id)
    ).first()
    if item is None:
        raise NotFound("Evidence")
    try:
        incidents.get(session, incident_id=item.incident_id, actor=actor)
    except NotFound:
        raise NotFound("Evidence") from None
    return item


def incident_of(session: Session, item: Evidence) -> Incident:
    """The incident an evidence item belongs to (visibility already checked)."""
    incident = session.get(Incident, item.incident_id)
    assert incident is not None
    return incident


def list_page(
    session: Session,
    *,
    incident: Incident,
    actor: Actor,
    cursor: str | None,
    limit: int,
    sync: pagination.Sync | None = None,
) -> tuple[list[Evidence], str | None]:
    """The incident's evidence in upload order (tombstones included); the next cursor or None.
    A change feed with sync."""
    require_scope(actor, Scope.evidence_read)
    stmt = select(Evidence).where(
        Evidence.organisation_id == incident.organisation_id, Evidence.incident_id == incident.id
    )
    stmt = pagination.changed_since(stmt, sync, col(Evidence.updated_at))
    if sync is not None and sync.by_update:
        return pagination.by_update_page(session, stmt, Evidence, cursor=cursor, limit=limit)
    if cursor:
        at, ident = pagination.decode_cursor(cursor)
        stmt = stmt.where(
            (col(Evidence.uploaded_at) > at)
            | ((col(Evidence.uploaded_at) == at) & (col(Evidence.id) > ident))
        )
    stmt = stmt.order_by(col(Evidence.uploaded_at), col(Evidence.id)).limit(limit + 1)
    return pagination.page_of(session.exec(stmt).all(), limit, lambda e: (e.uploaded_at, e.id))


def custody_page(
    session: Session, *, item: Evidence, cursor: str | None, limit: int
) -> tuple[list[CustodyEvent], str | None]:
    """The item's custody events, oldest first; the next cursor or None."""
    stmt = select(CustodyEvent).where(CustodyEvent.evidence_id == item.id)
    if cursor:
        at, ident = pagination.decode_cursor(cursor)
        stmt = stmt.where(
            (col(CustodyEvent.at) > at) | ((col(CustodyEvent.at) == at) & (col(CustodyEvent.id) > ident))
        )
    stmt = stmt.order_by(col(CustodyEvent.at), col(CustodyEvent.id)).limit(limit + 1)
    return pagination.page_of(session.exec(stmt).all(), limit, lambda e: (e.at, e.id))


def all_custody(session: Session, *, item: Evidence) -> list[CustodyEvent]:
    """Every custody event of the item, oldest first."""
    stmt = select(CustodyEvent).where(CustodyEvent.evidence_id == item.id)
    return list(session.exec(stmt.order_by(col(CustodyEvent.at), col(CustodyEvent.id))).all())


# --- custody ---------------------------------------------------------------------------------


def custody(
    session: Session,
    *,
    item: Evidence,
    kind: CustodyKind,
    actor: Actor | None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    system_label: str = "system",
) -> CustodyEvent:
    """Append a custody event and the matching audit event."""
    event = CustodyEvent(
        organisation_id=item.organisation_id,
        evidence_id=item.id,
        kind=kind.value,
        at=utcnow(),
        actor_kind=actor.kind if actor else "system",
        actor_id=str(actor.actor_id) if actor and actor.actor_id else None,
        actor_label=actor.label if actor else system_label,
        origin=actor.origin if actor else None,
        reason=reason,
        details=details or {},
    )
    session.add(event)
    session.flush()
    audit.record(
        session,
        action=f"evidence.{kind.value}",
        organisation_id=item.organisation_id,
        actor=actor,
        object_type="evidence",
        object_id=item.id,
        details={"incidentId": str(item.incident_id), "sha256": item.sha256, **(details or {})}
        | ({"reason": reason} if reason else {}),
    )
    return event


# --- upload ----------------------------------------------------------------------------------


def may_upload(actor: Actor) -> None:
    """API clients need evidence:write; auditors only read logs."""
    require_scope(actor, Scope.evidence_write)
    if actor.kind == "user" and set(actor.roles) <= {Role.auditor}:
        raise Forbidden("Auditors cannot add evidence.")


def storage_key(*, organisation_id: uuid.UUID, incident_id: uuid.UUID, evidence_id: uuid.UUID) -> str:
    """The server-generated key of a new object."""
    return f"{organisation_id}/{incident_id}/{evidence_id}"


def parse_fields(fields: dict[str, str]) -> EvidenceCreate:
    """The form fields as EvidenceCreate; every invalid field listed at once."""
    values = {k: v for k, v in fields.items() if v != ""}
    try:
        return EvidenceCreate.model_validate(values)
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            name = "/".join(str(p) for p in err.get("loc", ())) or "body"
            message = "Unknown field." if err["type"] == "extra_forbidden" else str(err["msg"])
            errors.append(FieldError(name, message, str(err["type"])))
        raise Invalid(f"The upload has {len(errors)} invalid field(s); see errors.", errors) from exc


DEFAULT_KIND = {
    "image/": EvidenceKind.screenshot,
    "video/": EvidenceKind.video,
    "audio/": EvidenceKind.audio,
    "message/rfc822": EvidenceKind.email,
    "text/html": EvidenceKind.web_capture,
    "multipart/related": EvidenceKind.web_capture,
    "application/warc": EvidenceKind.web_capture,
    "application/wacz": EvidenceKind.web_capture,
}


def default_kind(content_type: str) -> EvidenceKind:
    """The kind an upload gets when the client names none."""
    for prefix, kind in DEFAULT_KIND.items():
        if content_type.startswith(prefix):
            return kind
    return EvidenceKind.document


@dataclass(frozen=True)
class StoredFile:
    """The facts of a stored object, as the upload measured them."""

    evidence_id: uuid.UUID
    key: str
    size: int
    sha256: str
    content_type: str
    claimed_content_type: str | None
    filename: str


def find_duplicate(session: Session, *, incident: Incident, sha256: str) -> Evidence | None:
    """The item of this incident with the same content, if any."""
    stmt = select(Evidence).where(Evidence.incident_id == incident.id, Evidence.sha256 == sha256)
    return session.exec(stmt).first()


def record_upload(
    session: Session, *, incident: Incident, actor: Actor, stored: StoredFile, data: EvidenceCreate
) -> tuple[Evidence, bool]:
    """The new item for a stored object, or (existing, False) when the incident already has it."""
    existing = find_duplicate(session, incident=incident, sha256=stored.sha256)
    if existing is None:
        item = Evidence(
            id=stored.evidence_id,
            organisation_id=incident.organisation_id,
            incident_id=incident.id,
            kind=(data.kind or default_kind(stored.content_type)).value,
            storage_key=stored.key,
            filename=stored.filename,
            content_type=stored.content_type,
            claimed_content_type=stored.claimed_content_type,
            size=stored.size,
            sha256=stored.sha256,
            captured_at=data.captured_at,
            source_url=data.source_url,
            account_handle=data.account_handle,
            description=data.description or "",
            uploaded_by_user_id=actor.user_id,
            uploaded_by_client_id=actor.client_id,
            uploaded_at=utcnow(),
        )
        item.updated_at = item.uploaded_at
        try:
            with session.begin_nested():
                session.add(item)
                session.flush()
        except IntegrityError:
            # A concurrent upload of the same file won the race.
            existing = find_duplicate(session, incident=incident, sha256=stored.sha256)
            if existing is None:
                raise
        else:
            custody(
                session,
                item=item,
                kind=CustodyKind.uploaded,
                actor=actor,
                details={
                    "filename": item.filename,
                    "size": item.size,
                    "contentType": item.content_type,
                    "claimedContentType": item.claimed_content_type,
                },
            )
            from app.evidence import jobs
            from app.timestamp import service as timestamps

            jobs.ensure_scheduled(session)
            # The trusted timestamp of the hash is asked for by a job, after this commits.
            timestamps.request_for(session, item=item)
            webhooks.emit_for_incident(
                session,
                incident_id=incident.id,
                event_type="evidence.added",
                data={"evidenceId": str(item.id), "kind": item.kind, "sha256": item.sha256},
            )
            return item, True
    audit.record(
        session,
        action="evidence.duplicate_upload",
        organisation_id=incident.organisation_id,
        actor=actor,
        object_type="evidence",
        object_id=existing.id,
        details={"incidentId": str(incident.id), "sha256": stored.sha256},
    )
    return existing, False


# --- reading ---------------------------------------------------------------------------------


class IntegrityFailed(DomainError):
    """The last verification found other content than was stored (409): not served as evidence."""

    def __init__(self, item: Evidence) -> None:
        at = item.last_verified_at.isoformat().replace("+00:00", "Z") if item.last_verified_at else "?"
        super().__init__(
            f"The stored content failed verification at {at}: it no longer matches its SHA-256, "
            "so it is not served as evidence. To examine it anyway, ask with acceptTampered=true "
            "(recorded in the custody log).",
            [],
            409,
            "Evidence integrity failed",
            "evidence-integrity-failed",
        )


def integrity_failed(item: Evidence) -> bool:
    """Whether the item's last verification found content other than what was stored."""
    return item.last_verification_result == VerificationResult.mismatch.value


def check_servable(item: Evidence, *, accept_tampered: bool) -> bool:
    """Refuse content that failed verification unless the caller explicitly accepts it; True if it did."""
    if not integrity_failed(item):
        return False
    if not accept_tampered:
        raise IntegrityFailed(item)
    return True


def content_key(item: Evidence) -> str:
    """The object key of a live item; Gone after removal."""
    if item.removed_at is not None or item.storage_key is None:
        raise Gone()
    return item.storage_key


def record_access(
    session: Session,
    *,
    item: Evidence,
    actor: Actor,
    byte_range: tuple[int, int] | None,
    reason: str | None,
    tampered: bool = False,
) -> None:
    """A download (whole content) or a view (a byte range, e.g. video playback)."""
    # Content that failed verification, served on explicit request: the custody event says so.
    flag: dict[str, Any] = {"integrity": "failed", "acceptedTampered": True} if tampered else {}
    if byte_range is None:
        custody(
            session, item=item, kind=CustodyKind.downloaded, actor=actor, reason=reason, details=flag or None
        )
    else:
        custody(
            session,
            item=item,
            kind=CustodyKind.viewed,
            actor=actor,
            reason=reason,
            details={"range": f"bytes={byte_range[0]}-{byte_range[1]}", **flag},
        )


# --- verification ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """What re-reading a stored object found."""

    result: VerificationResult
    actual_sha256: str | None
    actual_size: int | None
    at: datetime


def check_object(store: ObjectStore, *, key: str, sha256: str) -> Check:
    """Re-read the object and recompute its SHA-256 (no database access: may take long)."""
    digest = hashlib.sha256()
    size = 0
    try:
        for chunk in store.read(key):
            digest.update(chunk)
            size += len(chunk)
    except ObjectMissing:
        return Check(VerificationResult.missing, None, None, utcnow())
    actual = digest.hexdigest()
    result = VerificationResult.ok if actual == sha256 else VerificationResult.mismatch
    return Check(result, actual, size, utcnow())


def record_verification(
    session: Session, *, item: Evidence, check: Check, actor: Actor | None, reason: str | None = None
) -> None:
    """Store the outcome as a custody event; a mismatch or a missing object raises an alert."""
    item.last_verified_at = check.at
    item.last_verification_result = check.result.value
    item.updated_at = utcnow()
    session.add(item)
    details: dict[str, Any] = {
        "result": check.result.value,
        "actualSha256": check.actual_sha256,
        "actualSize": check.actual_size,
    }
    custody(
        session,
        item=item,
        kind=CustodyKind.verified,
        actor=actor,
        reason=reason,
        details=details,
        system_label="periodic verification",
    )
    if check.result is not VerificationResult.ok:
        alerts.error(
            "evidence integrity alert: %s %s (incident %s, expected sha256 %s, found %s)",
            item.id,
            check.result.value,
            item.incident_id,
            item.sha256,
            check.actual_sha256,
        )
        audit.record(
            session,
            action="evidence.integrity_alert",
            organisation_id=item.organisation_id,
            actor=actor,
            object_type="evidence",
            object_id=item.id,
            result="failure",
            details={"incidentId": str(item.incident_id), "expectedSha256": item.sha256, **details},
        )
        from app.notification import rules as notification_rules  # late: rules read incidents

        notification_rules.evidence_integrity_alert(
            session,
            organisation_id=item.organisation_id,
            evidence_id=item.id,
            incident_id=item.incident_id,
            result=check.result.value,
        )
        webhooks.emit_for_incident(
            session,
            incident_id=item.incident_id,
            event_type="evidence.verification_failed",
            data={"evidenceId": str(item.id), "result": check.result.value},
        )


# --- metadata -------------------------------------------------------------------------------

METADATA_FIELDS = ("kind", "captured_at", "source_url", "account_handle", "description")


def etag(item: Evidence) -> str:
    """A strong ETag over the item's changeable state (metadata, hold, verification, removal)."""
    state = [str(getattr(item, name) or "") for name in METADATA_FIELDS]
    state += [str(item.legal_hold), str(item.removed_at or ""), str(item.last_verified_at or "")]
    state.append(item.updated_at.isoformat())
    return '"' + hashlib.sha256("\x1f".join(state).encode()).hexdigest()[:32] + '"'


def _json(value: Any) -> Any:
    return value.isoformat().replace("+00:00", "Z") if isinstance(value, datetime) else value


def update_metadata(
    session: Session, *, item: Evidence, data: EvidenceUpdate, actor: Actor, if_match: str | None
) -> Evidence:
    """Change what is known about an item (not its content); a custody and an audit event."""
    require_scope(actor, Scope.evidence_write)
    if actor.kind == "user" and not actor.has_role(*HOLD_ROLES):
        raise Forbidden("Only a case handler, privacy officer or legal counsel may change evidence details.")
    if item.removed_at is not None:
        raise Gone()
    concurrency.check_if_match(current=etag(item), if_match=if_match, what="the evidence item")
    fields = data.model_fields_set
    if "kind" in fields and data.kind is None:
        raise Invalid("The change is not valid.", [FieldError("kind", "must not be null", code="required")])
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name in METADATA_FIELDS:
        if name not in fields:
            continue
        value = getattr(data, name)
        if name == "kind":
            value = value.value
        elif name == "description":
            value = value or ""
        if getattr(item, name) != value:
            before[to_camel(name)] = _json(getattr(item, name))
            after[to_camel(name)] = _json(value)
            setattr(item, name, value)
    if not after:
        return item
    item.updated_at = utcnow()
    session.add(item)
    custody(
        session,
        item=item,
        kind=CustodyKind.metadata_changed,
        actor=actor,
        details={"before": before, "after": after},
    )
    _emit(session, item, "evidence.updated")
    return item


def _emit(session: Session, item: Evidence, event_type: str) -> None:
    webhooks.emit_for_incident(
        session,
        incident_id=item.incident_id,
        event_type=event_type,
        data={
            "evidenceId": str(item.id),
            "kind": item.kind,
            "sha256": item.sha256,
            "legalHold": item.legal_hold,
        },
    )


# --- legal hold and removal ------------------------------------------------------------------


def set_legal_hold(
    session: Session, *, store: ObjectStore, item: Evidence, actor: Actor, active: bool, reason: str
) -> Evidence:
    """Set or release the legal hold (case handler, privacy officer, legal; evidence:write)."""
    require_scope(actor, Scope.evidence_write)
    if actor.kind == "user" and not actor.has_role(*HOLD_ROLES):
        raise Forbidden("Only a case handler, privacy officer or legal counsel may change a legal hold.")
    if item.legal_hold == active:
        raise InvalidState(
            f"The legal hold is already {'set' if active else 'released'}.",
            [
                FieldError(
                    "active", f"already {active}", code="hold_already_set" if active else "hold_not_set"
                )
            ],
        )
    store.set_legal_hold(content_key(item), active)
    item.legal_hold = active
    item.legal_hold_reason = reason
    item.legal_hold_changed_at = item.updated_at = utcnow()
    session.add(item)
    kind = CustodyKind.hold_set if active else CustodyKind.hold_released
    custody(session, item=item, kind=kind, actor=actor, reason=reason)
    _emit(session, item, "evidence.legal_hold_set" if active else "evidence.legal_hold_released")
    return item


def remove(session: Session, *, store: ObjectStore, item: Evidence, actor: Actor, reason: str) -> Evidence:
    """Remove the content at the end of retention (admins); the row stays as a tombstone."""
    if actor.kind != "user" or not actor.has_role(Role.admin):
        raise Forbidden("Only an administrator may remove evidence at the end of its retention period.")
    key = content_key(item)
    incident = incident_of(session, item)
    if incident.status != Status.closed.value:
        raise InvalidState(
            "Evidence cannot be removed while its incident is open.",
            [FieldError("incidentId", "the incident must be closed first", code="incident_open")],
        )
    if item.legal_hold:
        raise InvalidState(
            "Evidence under legal hold cannot be removed; release the hold first.",
            [FieldError("legalHold", "must be released first", code="legal_hold_active")],
        )
    item.removed_at = item.updated_at = utcnow()
    item.removed_by_user_id = actor.user_id
    item.removal_reason = reason
    item.storage_key = None
    session.add(item)
    custody(session, item=item, kind=CustodyKind.removed, actor=actor, reason=reason)
    _emit(session, item, "evidence.removed")
    # Last, so that a refusal by the store rolls the tombstone back.
    try:
        store.delete(key)
    except ObjectMissing:
        log.warning("evidence %s had no stored object when it was removed", item.id)
    except ObjectLocked as exc:
        raise Conflict(
            "The store still protects this object (retention period or legal hold in the store); "
            "try again after the retention date."
        ) from exc
    return item


def live_items(session: Session, *, incident: Incident) -> list[Evidence]:
    """Every item of the incident in upload order, tombstones included."""
    stmt = select(Evidence).where(
        Evidence.organisation_id == incident.organisation_id, Evidence.incident_id == incident.id
    )
    return list(session.exec(stmt.order_by(col(Evidence.uploaded_at), col(Evidence.id))).all())
