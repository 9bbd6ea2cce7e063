"""Web captures: asking for one, reading them, and recording how a capture ended.

Visibility follows the incident (incident.service.get: organisation and need-to-know). Capturing
is for the staff who handle cases and for API clients with evidence:write; the browser work runs
in a job (app.capture.jobs), never in the request.
"""

from __future__ import annotations

import ipaddress
import uuid
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from app import pagination
from app.audit import service as audit
from app.auth.actor import HANDLER_ROLES, Actor, Scope
from app.capture.fetch import CaptureFailed, Policy, check, url_problems
from app.capture.models import Capture, CaptureReason, CaptureStatus
from app.capture.schemas import CaptureCreate
from app.db import utcnow
from app.errors import FieldError, Forbidden, Invalid, NotFound
from app.evidence import service as evidence
from app.incident import service as incidents
from app.incident.models import Incident
from app.jobs import service as jobs

CAPTURE_JOB = "capture.run"


def may_capture(actor: Actor) -> None:
    """Case handlers, privacy officers and legal counsel; API clients with evidence:write."""
    evidence.require_scope(actor, Scope.evidence_write)
    if actor.kind == "user" and not actor.has_role(*HANDLER_ROLES):
        raise Forbidden("Only a case handler, privacy officer or legal counsel may capture a web page.")


def check_url(url: str, policy: Policy) -> str:
    """The URL to capture, or a 400: not absolute http(s), or on an address captures may not reach.

    A host that cannot be resolved now is accepted: the capture then fails with dns_failed, which
    says more than a refusal (the name may be tried again later).
    """
    url = url.strip()
    problems = url_problems(url)
    if problems:
        raise Invalid(
            "The URL cannot be captured.", [FieldError("url", "; ".join(problems), code="url_invalid")]
        )
    host = urlsplit(url).hostname or ""
    try:
        ipaddress.ip_address(host)
        literal = True
    except ValueError:
        literal = False
    try:
        check(url, policy)
    except CaptureFailed as exc:
        if exc.reason is CaptureReason.address_refused or literal:
            raise Invalid(
                "The URL cannot be captured.",
                [FieldError("url", f"{exc.detail}; captures reach public addresses only",
                            code="capture_target_not_public")],
            ) from exc  # fmt: skip
    return url.split("#", 1)[0]


def create(session: Session, *, incident: Incident, data: CaptureCreate, actor: Actor, url: str) -> Capture:
    """Queue a capture of the checked URL; the job runs once the request has committed."""
    may_capture(actor)
    capture = Capture(
        organisation_id=incident.organisation_id,
        incident_id=incident.id,
        url=url,
        requested_by_user_id=actor.user_id,
        requested_by_client_id=actor.client_id,
    )
    capture.updated_at = capture.requested_at
    session.add(capture)
    session.flush()
    jobs.enqueue(session, kind=CAPTURE_JOB, payload={"captureId": str(capture.id)})
    audit.record(
        session,
        action="capture.requested",
        organisation_id=incident.organisation_id,
        actor=actor,
        object_type="web_capture",
        object_id=capture.id,
        details={"incidentId": str(incident.id), "url": url},
    )
    return capture


def get(session: Session, *, capture_id: uuid.UUID, actor: Actor) -> Capture:
    """One capture whose incident the actor may see, or NotFound."""
    evidence.require_scope(actor, Scope.evidence_read)
    capture = session.exec(
        select(Capture).where(Capture.id == capture_id, Capture.organisation_id == actor.organisation_id)
    ).first()
    if capture is None:
        raise NotFound("Capture")
    try:
        incidents.get(session, incident_id=capture.incident_id, actor=actor)
    except NotFound:
        raise NotFound("Capture") from None
    return capture


def list_page(
    session: Session, *, incident: Incident, actor: Actor, cursor: str | None, limit: int
) -> tuple[list[Capture], str | None]:
    """The incident's captures, newest first; the next cursor or None."""
    evidence.require_scope(actor, Scope.evidence_read)
    stmt = select(Capture).where(
        Capture.organisation_id == incident.organisation_id, Capture.incident_id == incident.id
    )
    if cursor:
        at, ident = pagination.decode_cursor(cursor)
        stmt = stmt.where(
            (col(Capture.requested_at) < at) | ((col(Capture.requested_at) == at) & (col(Capture.id) < ident))
        )
    stmt = stmt.order_by(col(Capture.requested_at).desc(), col(Capture.id).desc()).limit(limit + 1)
    return pagination.page_of(session.exec(stmt).all(), limit, lambda c: (c.requested_at, c.id))


def mark_running(session: Session, *, capture: Capture) -> None:
    """The job took the capture up."""
    capture.status = CaptureStatus.running.value
    capture.started_at = capture.updated_at = utcnow()
    session.add(capture)


def mark_failed(session: Session, *, capture: Capture, failure: CaptureFailed) -> None:
    """The capture ended without evidence; the reason says why."""
    capture.status = CaptureStatus.failed.value
    capture.reason = failure.reason.value
    capture.detail = failure.detail
    capture.http_status = failure.http_status
    capture.final_url = failure.final_url[:2048] if failure.final_url else None
    capture.finished_at = capture.updated_at = utcnow()
    session.add(capture)
    audit.record(
        session,
        action="capture.failed",
        organisation_id=capture.organisation_id,
        object_type="web_capture",
        object_id=capture.id,
        result="failure",
        details={"incidentId": str(capture.incident_id), "reason": failure.reason.value},
    )


def urls_captured(session: Session, *, incident_id: uuid.UUID, urls: list[str]) -> set[str]:
    """The URLs among these that a finished capture of the incident secured, as requested or as the
    page it ended at after redirects (the takedown gate counts them as evidence)."""
    from app.evidence.models import Evidence

    if not urls:
        return set()
    wanted = set(urls)
    stmt = (
        select(Capture.url, Capture.final_url)
        .join(Evidence, col(Evidence.id) == col(Capture.wacz_evidence_id))
        .where(
            Capture.incident_id == incident_id,
            Capture.status == CaptureStatus.done.value,
            col(Evidence.removed_at).is_(None),
        )
    )
    found: set[str] = set()
    for url, final_url in session.exec(stmt).all():
        found |= {u for u in (url, final_url) if u in wanted}
    return found
