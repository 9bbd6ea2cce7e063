"""Takedown requests: drafting, the status workflow, escalation, and the order-of-handling checks."""

from __future__ import annotations

import contextlib
import uuid
from datetime import timedelta
from typing import Any

from pydantic.alias_generators import to_camel
from sqlalchemy import and_, column, inspect, table, tuple_
from sqlalchemy import select as core_select
from sqlmodel import Session, SQLModel, col, select

from app import concurrency, pagination
from app.action.models import Action, ActionKind, ActionStatus
from app.audit import service as audit
from app.auth.actor import Actor
from app.db import utcnow
from app.errors import (
    DomainError,
    FieldError,
    Invalid,
    InvalidState,
    NotFound,
)
from app.incident import service as incidents
from app.incident.models import Incident
from app.legal import service as legal
from app.legal.schemas import RemovalGate
from app.organisation.models import Organisation
from app.takedown.models import RecipientKind, TakedownEvidence, TakedownRequest, TakedownStatus
from app.takedown.schemas import TakedownRequestCreate, TakedownRequestPublic, TakedownRequestUpdate
from app.webhook import service as webhooks

S = TakedownStatus
TRANSITIONS: dict[TakedownStatus, frozenset[TakedownStatus]] = {
    S.draft: frozenset({S.sent, S.withdrawn}),
    S.sent: frozenset(
        {S.acknowledged, S.removed, S.partially_removed, S.refused, S.no_response, S.withdrawn}
    ),
    S.acknowledged: frozenset({S.removed, S.partially_removed, S.refused, S.no_response, S.withdrawn}),
    S.partially_removed: frozenset({S.removed, S.escalated}),
    S.refused: frozenset({S.escalated}),
    S.no_response: frozenset({S.removed, S.escalated}),
    S.removed: frozenset(),
    S.escalated: frozenset(),
    S.withdrawn: frozenset(),
}
RESPONSES = frozenset({S.acknowledged, S.removed, S.partially_removed, S.refused})
# Days to wait for an answer after sending, per recipient kind.
DUE_DAYS: dict[RecipientKind, int] = {
    RecipientKind.sender: 7,
    RecipientKind.platform: 7,
    RecipientKind.search_engine: 14,
    RecipientKind.provider: 14,
    RecipientKind.data_protection_authority: 56,
    RecipientKind.court: 28,
}
# Platform refused -> data protection authority -> court (a sender who refuses -> the platform).
ESCALATION: dict[RecipientKind, RecipientKind] = {
    RecipientKind.sender: RecipientKind.platform,
    RecipientKind.platform: RecipientKind.data_protection_authority,
    RecipientKind.search_engine: RecipientKind.data_protection_authority,
    RecipientKind.provider: RecipientKind.court,
    RecipientKind.data_protection_authority: RecipientKind.court,
}
DEFAULT_RECIPIENT: dict[tuple[str, RecipientKind], str] = {
    ("NL", RecipientKind.data_protection_authority): "Autoriteit Persoonsgegevens",
    ("DK", RecipientKind.data_protection_authority): "Datatilsynet",
    ("NL", RecipientKind.court): "Rechtbank, voorzieningenrechter (kort geding)",
    ("DK", RecipientKind.court): "Byretten",
}
DSA_FIELDS = ("illegality_explanation", "notifier_name", "notifier_email")
DRAFT_FIELDS = [
    "recipient_name",
    "recipient_email",
    "recipient_address",
    "urls",
    "legal_ground",
    "illegality_explanation",
    "notifier_name",
    "notifier_email",
    "good_faith",
]


class HandlingOrderViolation(DomainError):
    """A step taken before the steps the protocol puts first (409)."""

    def __init__(self, detail: str, errors: list[FieldError]) -> None:
        super().__init__(detail, errors, 409, "Handling order not followed", "handling-order")


# --- reading --------------------------------------------------------------------------------


def visible_statement(actor: Actor) -> Any:
    """Takedown requests of incidents the actor may see."""
    return (
        select(TakedownRequest)
        .join(Incident, col(Incident.id) == col(TakedownRequest.incident_id))
        .where(TakedownRequest.organisation_id == actor.organisation_id, incidents.visible_clause(actor))
    )


def get(session: Session, *, takedown_request_id: uuid.UUID, actor: Actor) -> TakedownRequest:
    """One takedown request the actor may see, or NotFound."""
    found = session.exec(visible_statement(actor).where(TakedownRequest.id == takedown_request_id)).first()
    if found is None:
        raise NotFound("Takedown request")
    return found  # type: ignore[no-any-return]


def linked_evidence(session: Session, *, request: TakedownRequest) -> list[uuid.UUID]:
    """The ids of the evidence items linked to the request."""
    stmt = select(TakedownEvidence.evidence_id).where(TakedownEvidence.takedown_request_id == request.id)
    return sorted(session.exec(stmt).all())


def to_public(session: Session, request: TakedownRequest) -> TakedownRequestPublic:
    """The API view of a takedown request."""
    public = TakedownRequestPublic.model_validate(
        {
            **{
                name: getattr(request, name)
                for name in TakedownRequestPublic.model_fields
                if name != "evidence_ids"
            },
            "evidence_ids": linked_evidence(session, request=request),
        }
    )
    return public


def _check_evidence(session: Session, *, incident_id: uuid.UUID, evidence_ids: list[uuid.UUID]) -> None:
    """Every linked item must be a live evidence item of the same incident (400 with the index)."""
    if not evidence_ids:
        return
    evidence = _evidence_table()
    rows = session.execute(
        core_select(evidence.c.id).where(
            evidence.c.incident_id == incident_id,
            evidence.c.id.in_(evidence_ids),
            evidence.c.removed_at.is_(None),
        )
    ).all()
    found = {row[0] for row in rows}
    errors = [
        FieldError(f"evidenceIds/{index}", "no live evidence item of this incident", code="unknown_evidence")
        for index, ident in enumerate(evidence_ids)
        if ident not in found
    ]
    if errors:
        raise Invalid("The takedown request links unknown evidence.", errors)


def _link_evidence(session: Session, *, request: TakedownRequest, evidence_ids: list[uuid.UUID]) -> None:
    """Replace the request's links by these items."""
    for link in session.exec(
        select(TakedownEvidence).where(TakedownEvidence.takedown_request_id == request.id)
    ).all():
        session.delete(link)
    session.flush()
    for ident in evidence_ids:
        session.add(TakedownEvidence(takedown_request_id=request.id, evidence_id=ident))
    session.flush()


def list_page(
    session: Session,
    *,
    actor: Actor,
    incident_id: uuid.UUID,
    cursor: str | None,
    limit: int,
    sync: pagination.Sync | None = None,
) -> tuple[list[TakedownRequest], str | None]:
    """One page of an incident's takedown requests, oldest first (the escalation order); a change
    feed with sync."""
    stmt = visible_statement(actor).where(TakedownRequest.incident_id == incident_id)
    stmt = pagination.changed_since(stmt, sync, col(TakedownRequest.updated_at))
    if sync is not None and sync.by_update:
        return pagination.by_update_page(session, stmt, TakedownRequest, cursor=cursor, limit=limit)
    if cursor:
        at, ident = pagination.decode_cursor(cursor)
        stmt = stmt.where(
            tuple_(col(TakedownRequest.created_at), col(TakedownRequest.id)) > tuple_(at, ident)
        )
    stmt = stmt.order_by(col(TakedownRequest.created_at), col(TakedownRequest.id)).limit(limit + 1)
    return pagination.page_of(session.exec(stmt).all(), limit, lambda r: (r.created_at, r.id))


# --- writing --------------------------------------------------------------------------------


def _dsa_missing(kind: RecipientKind, values: dict[str, Any]) -> list[FieldError]:
    if kind != RecipientKind.platform:
        return []
    errors = [
        FieldError(to_camel(name), "required for a platform notice (DSA Art. 16)", code="missing")
        for name in DSA_FIELDS
        if not values.get(name)
    ]
    if values.get("good_faith") is not True:
        errors.append(
            FieldError("goodFaith", "must be true for a platform notice (DSA Art. 16(2)(d))", code="missing")
        )
    return errors


def create(
    session: Session, *, incident: Incident, data: TakedownRequestCreate, actor: Actor
) -> TakedownRequest:
    """Draft a takedown request for the incident; audited."""
    values = data.model_dump()
    errors = _dsa_missing(data.recipient_kind, values)
    if errors:
        raise Invalid("The takedown request is not valid.", errors)
    _check_evidence(session, incident_id=incident.id, evidence_ids=data.evidence_ids or [])
    request = _insert(session, incident=incident, kind=data.recipient_kind, values=values, actor=actor)
    if data.evidence_ids:
        _link_evidence(session, request=request, evidence_ids=data.evidence_ids)
    return request


def _insert(
    session: Session,
    *,
    incident: Incident,
    kind: RecipientKind,
    values: dict[str, Any],
    actor: Actor,
    parent: TakedownRequest | None = None,
) -> TakedownRequest:
    now = utcnow()
    request = TakedownRequest(
        organisation_id=incident.organisation_id,
        incident_id=incident.id,
        recipient_kind=kind.value,
        recipient_name=values["recipient_name"],
        recipient_email=values.get("recipient_email"),
        recipient_address=values.get("recipient_address"),
        urls=list(values["urls"]),
        legal_ground=values.get("legal_ground") or "",
        illegality_explanation=values.get("illegality_explanation"),
        notifier_name=values.get("notifier_name"),
        notifier_email=values.get("notifier_email"),
        good_faith=bool(values.get("good_faith")),
        escalated_from_id=parent.id if parent else None,
        created_by_user_id=actor.user_id,
        created_by_client_id=actor.client_id,
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    session.flush()
    details: dict[str, Any] = {"incidentId": str(incident.id), "recipientKind": kind.value}
    if parent:
        details["escalatedFromId"] = str(parent.id)
    audit.record(
        session,
        action="takedown.create",
        organisation_id=incident.organisation_id,
        actor=actor,
        object_type="takedown_request",
        object_id=request.id,
        details=details,
    )
    webhooks.emit_for_incident(
        session,
        incident_id=incident.id,
        event_type="takedown.created",
        data={"takedownRequestId": str(request.id), "status": request.status},
    )
    return request


def etag(request: TakedownRequest) -> str:
    """The strong ETag of the request's version."""
    return concurrency.etag(request.version)


def update(
    session: Session,
    *,
    request: TakedownRequest,
    data: TakedownRequestUpdate,
    actor: Actor,
    if_match: str | None,
) -> TakedownRequest:
    """Edit a draft, or move the request through its workflow (sent, answered, escalated, withdrawn)."""
    fields = set(data.model_fields_set)
    concurrency.check_if_match(current=etag(request), if_match=if_match, what="the takedown request")
    current = TakedownStatus(request.status)
    target = data.status if data.status is not None else current
    draft_changes = fields & {*DRAFT_FIELDS, "evidence_ids"}
    errors: list[FieldError] = []
    if "status" in fields and data.status is None:
        errors.append(FieldError("status", "must not be null", code="required"))
    nulls = sorted(
        f
        for f in draft_changes & {"recipient_name", "urls", "good_faith", "evidence_ids"}
        if getattr(data, f) is None
    )
    errors += [FieldError(to_camel(f), "must not be null", code="required") for f in nulls]
    if "sent_at" in fields and target != S.sent:
        errors.append(FieldError("sentAt", "only together with status sent", code="only_when_sent"))
    if "response" in fields and target not in RESPONSES | {S.no_response}:
        errors.append(
            FieldError("response", "only together with a response status", code="only_with_response")
        )
    if errors:
        raise Invalid("The change is not valid.", errors)
    if draft_changes and current != S.draft:
        raise InvalidState(
            f"Only a draft can be edited; this request is {current.value}.",
            [
                FieldError(to_camel(f), "can only change while draft", code="not_draft")
                for f in sorted(draft_changes)
            ],
        )
    if "evidence_ids" in draft_changes:
        _check_evidence(session, incident_id=request.incident_id, evidence_ids=data.evidence_ids or [])
        _link_evidence(session, request=request, evidence_ids=data.evidence_ids or [])
    for name in draft_changes - {"evidence_ids"}:
        value = getattr(data, name)
        setattr(request, name, (value or "") if name == "legal_ground" else value)
    incident = session.get(Incident, request.incident_id)
    assert incident is not None
    follow_up = None
    transition = None
    if target != current:
        _check_transition(current, target)
        if target == S.escalated:
            _check_escalation(request)
        transition = f"{current.value}->{target.value}"
        if target == S.sent:
            check_ready_to_send(session, request=request, incident=incident)
            request.sent_at = data.sent_at or utcnow()
            request.due_at = request.sent_at + timedelta(days=DUE_DAYS[RecipientKind(request.recipient_kind)])
            from app.notification import rules as notification_rules  # late: rules read incidents

            notification_rules.schedule_takedown_check(session, request_id=request.id, due_at=request.due_at)
        elif target == S.no_response:
            if request.due_at is not None and utcnow() < request.due_at:
                raise InvalidState(
                    "No response can only be recorded once the due date has passed "
                    f"({request.due_at.isoformat().replace('+00:00', 'Z')}).",
                    [FieldError("status", "the recipient still has time to answer", code="not_yet_due")],
                )
            request.responded_at = None
        elif target in RESPONSES:
            request.responded_at = utcnow()
        if "response" in fields:
            request.response = data.response
        request.status = target.value
    elif "response" in fields:
        request.response = data.response
    request.version += 1
    request.updated_at = utcnow()
    session.add(request)
    session.flush()
    details: dict[str, Any] = {
        "incidentId": str(request.incident_id),
        "fields": sorted(to_camel(f) for f in fields),
    }
    if transition:
        details["status"] = transition
    audit.record(
        session,
        action=f"takedown.{target.value}" if transition else "takedown.update",
        organisation_id=request.organisation_id,
        actor=actor,
        object_type="takedown_request",
        object_id=request.id,
        details=details,
    )
    if transition:
        webhooks.emit_for_incident(
            session,
            incident_id=request.incident_id,
            event_type="takedown.status_changed",
            data={"takedownRequestId": str(request.id), "status": request.status, "transition": transition},
        )
    if target == S.escalated and transition:
        follow_up = _escalate(session, request=request, incident=incident, actor=actor)
        request.escalated_to_id = follow_up.id
        session.add(request)
        session.flush()
    if target == S.removed and transition:
        from app.spread import recheck  # late: re-checks read takedown requests

        recheck.watch_removed(session, request=request, actor=actor)  # posts resurface (aftercare)
    return request


def _check_transition(current: TakedownStatus, target: TakedownStatus) -> None:
    if target in TRANSITIONS[current]:
        return
    allowed = ", ".join(sorted(TRANSITIONS[current])) or "none (final)"
    raise InvalidState(
        f"A takedown request cannot go from {current.value} to {target.value}; allowed: {allowed}.",
        [FieldError("status", f"allowed from {current.value}: {allowed}", code="transition_not_allowed")],
    )


def _check_escalation(request: TakedownRequest) -> None:
    kind = RecipientKind(request.recipient_kind)
    if kind not in ESCALATION:
        raise InvalidState(
            f"A request to a {kind.value} cannot be escalated further.",
            [FieldError("status", "no further escalation step", code="no_escalation")],
        )


def _escalate(
    session: Session, *, request: TakedownRequest, incident: Incident, actor: Actor
) -> TakedownRequest:
    next_kind = ESCALATION[RecipientKind(request.recipient_kind)]
    organisation = session.get(Organisation, request.organisation_id)
    country = organisation.country if organisation else "NL"
    values = {name: getattr(request, name) for name in DRAFT_FIELDS}
    values["recipient_name"] = DEFAULT_RECIPIENT.get((country, next_kind), "(to be completed)")
    values["recipient_email"] = values["recipient_address"] = None
    follow_up = _insert(
        session, incident=incident, kind=next_kind, values=values, actor=actor, parent=request
    )
    _link_evidence(session, request=follow_up, evidence_ids=linked_evidence(session, request=request))
    return follow_up


# --- order of handling ------------------------------------------------------------------------


def _evidence_table() -> Any:
    """The evidence table: the evidence package's model when present, else a lightweight Core table."""
    with contextlib.suppress(ImportError):
        import app.evidence.models  # noqa: F401
    found = SQLModel.metadata.tables.get("evidence")
    return found if found is not None else table("evidence", column("incident_id"), column("source_url"))


def urls_with_evidence(session: Session, *, incident_id: uuid.UUID, urls: list[str]) -> set[str]:
    """The URLs among these that have at least one evidence item of the incident with that source URL."""
    if not urls:
        return set()
    if not inspect(session.connection()).has_table("evidence"):
        return set()
    evidence = _evidence_table()
    condition = and_(evidence.c.incident_id == incident_id, evidence.c.source_url.in_(urls))
    if "removed_at" in evidence.c:
        condition = and_(condition, evidence.c.removed_at.is_(None))
    rows = session.execute(core_select(evidence.c.source_url).where(condition).distinct()).all()
    return {row[0] for row in rows}


def urls_with_linked_evidence(session: Session, *, request: TakedownRequest) -> set[str]:
    """The request's URLs covered by a linked live item: one with that source URL, or one without any
    source URL (the person who linked it vouches that it shows the content)."""
    ids = linked_evidence(session, request=request)
    if not ids:
        return set()
    evidence = _evidence_table()
    rows = session.execute(
        core_select(evidence.c.source_url).where(evidence.c.id.in_(ids), evidence.c.removed_at.is_(None))
    ).all()
    sources = {row[0] for row in rows}
    if None in sources or "" in sources:
        return set(request.urls)
    return {url for url in request.urls if url in sources}


def _removal_waits(session: Session, incident: Incident) -> bool:
    """The organisation's legal pack makes removal wait for the police report (a hard gate); with
    a warning gate the UI warns and the request can be sent (DK: stop the harm quickly)."""
    return (
        legal.pack_content(session, incident.organisation_id).police_report.removal.gate == RemovalGate.hard
    )


def check_ready_to_send(session: Session, *, request: TakedownRequest, incident: Incident) -> None:
    """Refuse to send before evidence is secured for every URL and the police report is done or waived."""
    errors = _dsa_missing(
        RecipientKind(request.recipient_kind), {n: getattr(request, n) for n in DRAFT_FIELDS}
    )
    secured = urls_with_evidence(session, incident_id=incident.id, urls=request.urls)
    secured |= urls_with_linked_evidence(session, request=request)
    from app.capture import service as captures  # late: the capture package reads evidence

    secured |= captures.urls_captured(session, incident_id=incident.id, urls=request.urls)
    for index, url in enumerate(request.urls):
        if url not in secured:
            errors.append(
                FieldError(
                    f"urls/{index}",
                    f"no evidence for {url}: link an evidence item to this request, or secure one "
                    "with this source URL, before asking for removal",
                    code="evidence-missing",
                )
            )
    if incident.police_report_required and _removal_waits(session, incident):
        reports = session.exec(
            select(Action).where(
                Action.incident_id == incident.id, Action.kind == ActionKind.police_report.value
            )
        ).all()
        if not any(a.status in (ActionStatus.done.value, ActionStatus.waived.value) for a in reports):
            where = f"action {reports[0].id}" if reports else "no police-report action yet"
            errors.append(
                FieldError(
                    "policeReport",
                    f"the incident requires a police report before anything is removed ({where}): "
                    "mark it done, or have a case handler or legal staff waive it with a reason",
                    code="police-report-pending",
                )
            )
    if errors:
        raise HandlingOrderViolation(
            f"The takedown request cannot be sent yet: {len(errors)} prerequisite(s) missing; see errors.",
            errors,
        )
