"""Aftercare because posts resurface: re-checks that a removed URL stays removed, run by the job runner."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from pydantic.alias_generators import to_camel
from sqlalchemy import tuple_
from sqlmodel import Session, col, select

from app import concurrency, pagination
from app.audit import service as audit
from app.auth.actor import Actor
from app.config import Settings, get_settings
from app.db import utcnow
from app.errors import FieldError, Invalid, InvalidState, NotFound
from app.incident import service as incidents
from app.incident.models import Incident
from app.jobs import service as jobs
from app.spread import probe as probes
from app.spread.models import RecheckOutcome, RecheckStatus, UrlRecheck, UrlRecheckResult
from app.spread.schemas import UrlRecheckCreate, UrlRecheckPublic, UrlRecheckResultPublic, UrlRecheckUpdate
from app.takedown.models import TakedownRequest

RECHECK_JOB = "url.recheck"
# When a takedown request is answered "removed": first look a day later, then weekly for 90 days.
FIRST_CHECK_AFTER = timedelta(days=1)
DEFAULT_INTERVAL_DAYS = 7
DEFAULT_DURATION_DAYS = 90
RESULTS_SHOWN = 20


def visible_statement(actor: Actor) -> Any:
    """Re-checks of incidents the actor may see."""
    return (
        select(UrlRecheck)
        .join(Incident, col(Incident.id) == col(UrlRecheck.incident_id))
        .where(UrlRecheck.organisation_id == actor.organisation_id, incidents.visible_clause(actor))
    )


def get(session: Session, *, recheck_id: uuid.UUID, actor: Actor) -> UrlRecheck:
    """One re-check the actor may see, or NotFound."""
    found = session.exec(visible_statement(actor).where(UrlRecheck.id == recheck_id)).first()
    if found is None:
        raise NotFound("URL re-check")
    return found  # type: ignore[no-any-return]


def list_page(
    session: Session, *, incident_id: uuid.UUID, actor: Actor, cursor: str | None, limit: int
) -> tuple[list[UrlRecheck], str | None]:
    """One page of an incident's re-checks, oldest first."""
    stmt = visible_statement(actor).where(UrlRecheck.incident_id == incident_id)
    if cursor:
        at, ident = pagination.decode_cursor(cursor)
        stmt = stmt.where(tuple_(col(UrlRecheck.created_at), col(UrlRecheck.id)) > tuple_(at, ident))
    stmt = stmt.order_by(col(UrlRecheck.created_at), col(UrlRecheck.id)).limit(limit + 1)
    return pagination.page_of(session.exec(stmt).all(), limit, lambda r: (r.created_at, r.id))


def to_public(session: Session, recheck: UrlRecheck) -> UrlRecheckPublic:
    """The API view, with the latest results."""
    results = session.exec(
        select(UrlRecheckResult)
        .where(UrlRecheckResult.recheck_id == recheck.id)
        .order_by(col(UrlRecheckResult.checked_at).desc(), col(UrlRecheckResult.id))
        .limit(RESULTS_SHOWN)
    ).all()
    return UrlRecheckPublic.model_validate(
        {
            **{n: getattr(recheck, n) for n in UrlRecheckPublic.model_fields if n != "results"},
            "results": [UrlRecheckResultPublic.model_validate(r) for r in results],
        }
    )


def etag(recheck: UrlRecheck) -> str:
    """The strong ETag of the re-check's version."""
    return concurrency.etag(recheck.version)


def _schedule(session: Session, recheck: UrlRecheck, at: datetime) -> None:
    """The next check; a job whose `at` no longer matches the re-check is dropped when it runs."""
    if at >= recheck.ends_at:
        recheck.status, recheck.next_check_at = RecheckStatus.ended.value, None
        return
    recheck.next_check_at = at
    jobs.enqueue(
        session, kind=RECHECK_JOB, payload={"recheckId": str(recheck.id), "at": at.isoformat()}, run_at=at
    )


def _audit(
    session: Session, recheck: UrlRecheck, action: str, actor: Actor | None, details: dict[str, Any]
) -> None:
    audit.record(
        session,
        action=action,
        organisation_id=recheck.organisation_id,
        actor=actor,
        actor_label=None if actor else "job:url.recheck",
        object_type="url_recheck",
        object_id=recheck.id,
        details={"incidentId": str(recheck.incident_id), **details},
    )


def create(session: Session, *, incident: Incident, data: UrlRecheckCreate, actor: Actor) -> UrlRecheck:
    """Start watching a URL of the incident; the first check runs one interval from now."""
    if data.takedown_request_id is not None:
        request = session.get(TakedownRequest, data.takedown_request_id)
        if request is None or request.incident_id != incident.id:
            raise Invalid(
                "The re-check names an unknown takedown request.",
                [
                    FieldError(
                        "takedownRequestId", "no takedown request of this incident", code="unknown_takedown"
                    )
                ],
            )
    return _insert(
        session,
        incident_id=incident.id,
        organisation_id=incident.organisation_id,
        url=data.url,
        interval_days=data.interval_days,
        duration=timedelta(days=data.duration_days),
        first=timedelta(days=data.interval_days),
        takedown_request_id=data.takedown_request_id,
        actor=actor,
    )


def _insert(
    session: Session,
    *,
    incident_id: uuid.UUID,
    organisation_id: uuid.UUID,
    url: str,
    interval_days: int,
    duration: timedelta,
    first: timedelta,
    takedown_request_id: uuid.UUID | None,
    actor: Actor,
) -> UrlRecheck:
    now = utcnow()
    recheck = UrlRecheck(
        organisation_id=organisation_id,
        incident_id=incident_id,
        takedown_request_id=takedown_request_id,
        url=url,
        interval_days=interval_days,
        ends_at=now + duration,
        created_by_user_id=actor.user_id,
        created_by_client_id=actor.client_id,
        created_at=now,
        updated_at=now,
    )
    session.add(recheck)
    session.flush()
    _schedule(session, recheck, now + first)
    session.add(recheck)
    session.flush()
    details: dict[str, Any] = {"intervalDays": interval_days}
    if takedown_request_id:
        details["takedownRequestId"] = str(takedown_request_id)
    _audit(session, recheck, "recheck.create", actor, details)
    return recheck


def watch_removed(session: Session, *, request: TakedownRequest, actor: Actor) -> list[UrlRecheck]:
    """A takedown request answered "removed": watch each of its URLs (unless already watched)."""
    watched = set(
        session.exec(
            select(UrlRecheck.url).where(
                UrlRecheck.incident_id == request.incident_id,
                UrlRecheck.status == RecheckStatus.active.value,
            )
        ).all()
    )
    return [
        _insert(
            session,
            incident_id=request.incident_id,
            organisation_id=request.organisation_id,
            url=url,
            interval_days=DEFAULT_INTERVAL_DAYS,
            duration=timedelta(days=DEFAULT_DURATION_DAYS),
            first=FIRST_CHECK_AFTER,
            takedown_request_id=request.id,
            actor=actor,
        )
        for url in request.urls
        if url not in watched
    ]


def update(
    session: Session, *, recheck: UrlRecheck, data: UrlRecheckUpdate, actor: Actor, if_match: str | None
) -> UrlRecheck:
    """Stop or resume the re-check, or change its interval (the next check moves with it)."""
    concurrency.check_if_match(current=etag(recheck), if_match=if_match, what="the re-check")
    fields = set(data.model_fields_set)
    errors = [
        FieldError(to_camel(f), "must not be null", code="not_null")
        for f in sorted(fields)
        if getattr(data, f) is None
    ]
    if errors:
        raise Invalid("The change is not valid.", errors)
    now = utcnow()
    current = RecheckStatus(recheck.status)
    if data.status == "active" and current != RecheckStatus.active and recheck.ends_at <= now:
        raise InvalidState(
            "The re-check's period is over; start a new re-check for the URL.",
            [FieldError("status", "the period is over", code="transition_not_allowed")],
        )
    if data.interval_days is not None:
        recheck.interval_days = data.interval_days
    target = RecheckStatus(data.status) if data.status else current
    if target == RecheckStatus.stopped:
        recheck.status, recheck.next_check_at = RecheckStatus.stopped.value, None
    elif "interval_days" in fields or current != RecheckStatus.active:
        recheck.status = RecheckStatus.active.value
        base = recheck.last_checked_at or recheck.created_at
        _schedule(session, recheck, max(now, base + timedelta(days=recheck.interval_days)))
    recheck.version += 1
    recheck.updated_at = now
    session.add(recheck)
    session.flush()
    details: dict[str, Any] = {"fields": sorted(to_camel(f) for f in fields)}
    if target != current:
        details["status"] = f"{current.value}->{recheck.status}"
    _audit(session, recheck, "recheck.update", actor, details)
    return recheck


def _record(
    session: Session,
    *,
    recheck: UrlRecheck,
    found: probes.Probe,
    actor: Actor | None,
) -> UrlRecheckResult:
    """Store the result; when the URL answers again (and did not before), tell the people concerned."""
    now = utcnow()
    previous = recheck.last_outcome
    result = UrlRecheckResult(
        recheck_id=recheck.id,
        checked_at=now,
        outcome=found.outcome.value,
        http_status=found.http_status,
        detail=found.detail,
        scheduled=actor is None,
        checked_by_user_id=actor.user_id if actor else None,
    )
    session.add(result)
    recheck.last_checked_at, recheck.last_outcome = now, found.outcome.value
    recheck.version += 1
    recheck.updated_at = now
    session.add(recheck)
    session.flush()
    _audit(
        session,
        recheck,
        "recheck.checked",
        actor,
        {"outcome": found.outcome.value, "httpStatus": found.http_status, "scheduled": actor is None},
    )
    if found.outcome == RecheckOutcome.back_online and previous != RecheckOutcome.back_online.value:
        from app.notification import rules as notification_rules  # late: rules read incidents

        notification_rules.url_back_online(session, recheck=recheck, checked_at=now)
    return result


def check_now(session: Session, *, recheck: UrlRecheck, actor: Actor, settings: Settings) -> UrlRecheckResult:
    """Check the URL at once (a person asked); the schedule stays as it is."""
    found = probes.probe(
        recheck.url,
        allow_private=settings.url_recheck_allow_private_targets,
        timeout=settings.url_recheck_timeout_seconds,
    )
    return _record(session, recheck=recheck, found=found, actor=actor)


@jobs.handler(RECHECK_JOB)
def run_scheduled(session: Session, payload: dict[str, Any]) -> None:
    """The scheduled check: look, record, schedule the next one (until the period ends)."""
    recheck = session.get(UrlRecheck, uuid.UUID(payload["recheckId"]))
    if recheck is None or recheck.status != RecheckStatus.active.value or recheck.next_check_at is None:
        return
    if recheck.next_check_at.isoformat() != payload.get("at"):
        return  # rescheduled meanwhile: a newer job carries the current time
    settings = get_settings()
    # The HTTP request is made outside any write: the session has only read so far.
    found = probes.probe(
        recheck.url,
        allow_private=settings.url_recheck_allow_private_targets,
        timeout=settings.url_recheck_timeout_seconds,
    )
    _record(session, recheck=recheck, found=found, actor=None)
    _schedule(session, recheck, utcnow() + timedelta(days=recheck.interval_days))
    session.add(recheck)
    session.flush()
