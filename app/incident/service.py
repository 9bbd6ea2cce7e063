"""Registering, finding and handling incidents, within the caller's organisation and need-to-know."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic.alias_generators import to_camel
from sqlalchemy import and_, exists, or_, tuple_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app import concurrency, pagination
from app.audit import service as audit
from app.auth.actor import Actor, Scope
from app.db import conflict_insert, utcnow
from app.errors import (
    FieldError,
    Forbidden,
    Invalid,
    InvalidState,
    NotFound,
)
from app.incident.models import (
    Confidentiality,
    Incident,
    IncidentBehaviour,
    IncidentPerson,
    ReferenceCounter,
    Status,
)
from app.incident.schemas import IncidentCreate, IncidentUpdate
from app.integration import external_references
from app.legal import rules
from app.legal import service as legal
from app.organisation.models import Role, User
from app.perpetrator.models import Perpetrator

REFERENCE_PREFIX = "DA"

# reported -> in progress -> monitoring -> closed, and reopen (closed -> in progress).
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.reported: frozenset({Status.in_progress, Status.closed}),
    Status.in_progress: frozenset({Status.monitoring, Status.closed}),
    Status.monitoring: frozenset({Status.in_progress, Status.closed}),
    Status.closed: frozenset({Status.in_progress}),
}

# What a reporter may set when reporting, and still correct while the incident has not been
# picked up (the one rule for POST and PATCH); everything else is the case handler's.
REPORTER_FIELDS = frozenset(
    {
        "title",
        "description",
        "occurred_at",
        "detected_at",
        "platform",
        "location_kind",
        "urls",
        "behaviours",
        "frequency",
        "targets",
        "affected_employees",
        "perpetrator",
        "confidentiality",
    }
)
HANDLER_ROLES_FOR_ASSIGNMENT = frozenset({Role.case_handler, Role.privacy_officer, Role.legal})


# --- visibility ---------------------------------------------------------------------------


def _own_clause(user_id: uuid.UUID) -> Any:
    return or_(
        col(Incident.reported_by_user_id) == user_id,
        exists().where(
            and_(
                col(IncidentPerson.incident_id) == col(Incident.id),
                col(IncidentPerson.user_id) == user_id,
            )
        ),
    )


def visible_statement(actor: Actor) -> SelectOfScalar[Incident]:
    """Incidents the actor may see: their organisation's, narrowed by need-to-know."""
    if actor.kind == "apiClient" and not actor.has_scope(Scope.incidents_read):
        raise Forbidden("This API client lacks the scope incidents:read.")
    return select(Incident).where(need_to_know(actor))


def need_to_know(actor: Actor) -> Any:
    """The condition on Incident for what the actor may see, also for figures about incidents
    (which an API client reads with another scope than incidents:read)."""
    in_organisation = col(Incident.organisation_id) == actor.organisation_id
    strict = Confidentiality.strictly_confidential.value
    if actor.kind == "apiClient":
        return and_(in_organisation, col(Incident.confidentiality) != strict)
    assert actor.user_id is not None
    own = _own_clause(actor.user_id)
    if actor.has_role(Role.privacy_officer, Role.legal):
        return in_organisation
    if actor.has_role(Role.case_handler):
        return and_(
            in_organisation,
            or_(col(Incident.confidentiality) != strict, col(Incident.case_handler_id) == actor.user_id, own),
        )
    if actor.has_role(Role.admin):
        return and_(in_organisation, or_(col(Incident.confidentiality) != strict, own))
    if actor.has_role(Role.manager):
        return and_(in_organisation, or_(col(Incident.confidentiality) == Confidentiality.normal.value, own))
    return and_(in_organisation, own)


def visible_clause(actor: Actor) -> Any:
    """The need-to-know condition on Incident, for a table joined to its incident (a join lets the
    database start from the few rows asked for instead of every visible incident)."""
    return visible_statement(actor).whereclause


def get(session: Session, *, incident_id: uuid.UUID, actor: Actor) -> Incident:
    """One incident the actor may see, or NotFound (unknown, foreign or outside need-to-know)."""
    incident = session.exec(visible_statement(actor).where(col(Incident.id) == incident_id)).first()
    if incident is None:
        raise NotFound("Incident")
    return incident


# --- lists ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncidentFilter:
    """The list filters, as the query keys give them."""

    status: list[Status] | None = None
    behaviour: list[str] | None = None
    platform: list[str] | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None
    q: str | None = None
    external_system: str | None = None
    external_id: str | None = None
    unassigned: bool | None = None
    ids: list[uuid.UUID] | None = None
    case_handler_id: uuid.UUID | None = None


def list_page(
    session: Session,
    *,
    actor: Actor,
    filters: IncidentFilter,
    cursor: str | None,
    limit: int,
    sync: pagination.Sync | None = None,
) -> tuple[list[Incident], str | None]:
    """One page, newest report first (a change feed with sync); the cursor of the next page or None."""
    stmt = pagination.changed_since(visible_statement(actor), sync, col(Incident.updated_at))
    if filters.status:
        stmt = stmt.where(col(Incident.status).in_([s.value for s in filters.status]))
    if filters.platform:
        stmt = stmt.where(col(Incident.platform).in_(filters.platform))
    if filters.unassigned is True:
        stmt = stmt.where(col(Incident.case_handler_id).is_(None))
    elif filters.unassigned is False:
        stmt = stmt.where(col(Incident.case_handler_id).is_not(None))
    if filters.ids:
        stmt = stmt.where(col(Incident.id).in_(filters.ids))
    if filters.case_handler_id:
        stmt = stmt.where(col(Incident.case_handler_id) == filters.case_handler_id)
    if filters.behaviour:
        stmt = stmt.where(
            exists().where(
                and_(
                    col(IncidentBehaviour.incident_id) == col(Incident.id),
                    col(IncidentBehaviour.behaviour).in_(filters.behaviour),
                )
            )
        )
    if filters.occurred_from:
        stmt = stmt.where(col(Incident.occurred_at) >= filters.occurred_from)
    if filters.occurred_to:
        stmt = stmt.where(col(Incident.occurred_at) < filters.occurred_to)
    if filters.external_system and filters.external_id:
        stmt = stmt.where(
            external_references.filter_clause(
                col(Incident.id), system=filters.external_system, external_id=filters.external_id
            )
        )
    if filters.q:
        searched: Any = col(Incident.search_text)
        if len(filters.q) < 3:
            # No trigram in so short a pattern: PostgreSQL would read the whole trigram index and
            # recheck every row; the ordered scan stops as soon as a page is full.
            searched = searched.concat("")
        stmt = stmt.where(searched.like(pagination.like_pattern(filters.q), escape="\\"))
    if sync is not None and sync.by_update:
        return pagination.by_update_page(session, stmt, Incident, cursor=cursor, limit=limit)
    if cursor:
        at, ident = pagination.decode_cursor(cursor)
        stmt = stmt.where(tuple_(col(Incident.reported_at), col(Incident.id)) < tuple_(at, ident))
    stmt = stmt.order_by(col(Incident.reported_at).desc(), col(Incident.id).desc()).limit(limit + 1)
    return pagination.page_of(session.exec(stmt).all(), limit, lambda i: (i.reported_at, i.id))


# --- writes ---------------------------------------------------------------------------------


def _next_reference(session: Session, *, organisation_id: uuid.UUID, year: int) -> str:
    table = ReferenceCounter.__table__  # type: ignore[attr-defined]
    stmt = (
        conflict_insert(session, table)
        .values(organisation_id=organisation_id, year=year, last_number=1)
        .on_conflict_do_update(
            index_elements=["organisation_id", "year"],
            set_={"last_number": table.c.last_number + 1},
        )
        .returning(table.c.last_number)
    )
    number = session.execute(stmt).scalar_one()
    return f"{REFERENCE_PREFIX}-{year}-{number:04d}"


def _search_text(incident: Incident) -> str:
    parts = [incident.reference, incident.title, incident.description, *incident.urls]
    if incident.perpetrator:
        parts.append(incident.perpetrator.get("name") or "")
        parts.extend(incident.perpetrator.get("accountHandles") or [])
    return " ".join(p for p in parts if p).lower()[:40000]


def _check_people(
    session: Session, *, organisation_id: uuid.UUID, data: IncidentCreate | IncidentUpdate
) -> list[FieldError]:
    errors: list[FieldError] = []
    for index, employee in enumerate(data.affected_employees or []):
        if employee.user_id is None:
            continue
        user = session.get(User, employee.user_id)
        if user is None or user.organisation_id != organisation_id:
            errors.append(
                FieldError(
                    f"affectedEmployees/{index}/userId",
                    "no such user in this organisation",
                    "unknown_user",
                )
            )
    if data.perpetrator_id is not None:
        found = session.get(Perpetrator, data.perpetrator_id)
        if found is None or found.organisation_id != organisation_id:
            errors.append(
                FieldError("perpetratorId", "no such perpetrator in this organisation", "unknown_perpetrator")
            )
    if data.case_handler_id is not None:
        handler = session.get(User, data.case_handler_id)
        if (
            handler is None
            or handler.organisation_id != organisation_id
            or not HANDLER_ROLES_FOR_ASSIGNMENT.intersection(Role(r) for r in handler.roles)
        ):
            errors.append(
                FieldError(
                    "caseHandlerId",
                    "must be a case handler, privacy officer or legal user",
                    "not_a_case_handler",
                )
            )
    return errors


def _sync_links(session: Session, incident: Incident, *, new: bool = False) -> None:
    """Rewrite the behaviour and person rows that back the list filters and need-to-know (a new
    incident has none to remove)."""
    if not new:
        for behaviour_row in session.exec(
            select(IncidentBehaviour).where(IncidentBehaviour.incident_id == incident.id)
        ).all():
            session.delete(behaviour_row)
        for person_row in session.exec(
            select(IncidentPerson).where(IncidentPerson.incident_id == incident.id)
        ).all():
            session.delete(person_row)
        session.flush()
    for behaviour in incident.behaviours:
        session.add(IncidentBehaviour(incident_id=incident.id, behaviour=behaviour))
    people = {e["userId"] for e in incident.affected_employees if e.get("userId")}
    for user_id in people:
        session.add(IncidentPerson(incident_id=incident.id, user_id=uuid.UUID(user_id)))


def _dump(value: Any) -> Any:
    """Nested API models as plain JSON (camelCase), for the JSON columns."""
    if value is None:
        return None
    if isinstance(value, list):
        return [_dump(v) for v in value]
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", by_alias=True, exclude_none=True)
    return value.value if hasattr(value, "value") else value


def create(session: Session, *, data: IncidentCreate, actor: Actor) -> Incident:
    """Register a new incident with a fresh reference and its derived classification."""
    _may_set(actor, set(data.model_fields_set))
    errors = _check_people(session, organisation_id=actor.organisation_id, data=data)
    if data.detected_at is not None and data.detected_at < data.occurred_at:
        errors.append(FieldError("detectedAt", "must not be before occurredAt", "not_before_occurred"))
    if errors:
        raise Invalid("The incident is not valid.", errors)
    now = utcnow()
    pack = legal.pack_content(session, actor.organisation_id)
    behaviours = [b.value for b in data.behaviours]
    incident = Incident(
        organisation_id=actor.organisation_id,
        reference=_next_reference(session, organisation_id=actor.organisation_id, year=now.year),
        title=data.title.strip(),
        description=data.description or "",
        occurred_at=data.occurred_at,
        detected_at=data.detected_at,
        reported_at=now,
        platform=data.platform.value,
        location_kind=_dump(data.location_kind),
        urls=data.urls or [],
        behaviours=behaviours,
        derived_classification=rules.derive_classification(pack, behaviours),
        frequency=_dump(data.frequency),
        targets=_dump(data.targets) or ["employee"],
        affected_employees=_dump(data.affected_employees) or [],
        perpetrator=_dump(data.perpetrator),
        severity=_dump(data.severity) or rules.default_severity(pack, behaviours),
        confidentiality=_dump(data.confidentiality) or Confidentiality.normal.value,
        case_handler_id=data.case_handler_id,
        external_references=_dump(data.external_references) or [],
        gir_category=data.gir_category,
        safetynet_category=data.safetynet_category,
        police_report_required=bool(data.police_report_required),
        protocol_not_applicable=bool(data.protocol_not_applicable),
        protocol_not_applicable_reason=data.protocol_not_applicable_reason,
        strong_reaction=bool(data.strong_reaction),
        perpetrator_id=data.perpetrator_id,
        political_office_holder=bool(data.political_office_holder),
        reported_by_user_id=actor.user_id,
        reported_by_client_id=actor.client_id,
        created_at=now,
        updated_at=now,
    )
    incident.search_text = _search_text(incident)
    session.add(incident)
    session.flush()
    _sync_links(session, incident, new=True)
    external_references.sync(session, incident=incident, new=True)
    audit.record(
        session,
        action="incident.create",
        organisation_id=actor.organisation_id,
        actor=actor,
        object_type="incident",
        object_id=incident.id,
        details={"reference": incident.reference},
    )
    apply_pack_rules(session, incident=incident, fields=set(data.model_fields_set))
    return incident


def apply_pack_rules(session: Session, *, incident: Incident, fields: set[str]) -> None:
    """The organisation's pack after a write: a police report its rules require, and a political
    office holder as target putting the incident outside the protocol (where the pack says so)."""
    pack = legal.pack_content(session, incident.organisation_id)
    outcome = rules.police_report(
        pack,
        behaviours=incident.behaviours,
        classification=incident.classification_override or incident.derived_classification,
        targets=incident.targets,
    )
    # The rules set the flag when the facts they read change (never clear it: the case handler may,
    # or waive the police-report action with a reason).
    facts = {"behaviours", "targets", "classification_override"}
    changed = False
    if outcome.required and not incident.police_report_required and facts & fields:
        incident.police_report_required = True
        changed = True
    political = pack.political_office_holder
    if incident.political_office_holder and political is not None and "political_office_holder" in fields:
        incident.protocol_not_applicable = True
        if not incident.protocol_not_applicable_reason:
            incident.protocol_not_applicable_reason = legal.political_explanation(
                session, organisation_id=incident.organisation_id
            )
        changed = True
    if changed:
        session.add(incident)
        session.flush()


def etag(incident: Incident) -> str:
    """The strong ETag of the incident's current version."""
    return concurrency.etag(incident.version)


def _may_set(actor: Actor, fields: set[str]) -> None:
    """The fields the caller may set, on create and on update alike: API clients with
    incidents:write and case handlers all of them, anyone else only the reporter's."""
    if actor.kind == "apiClient":
        if not actor.has_scope(Scope.incidents_write):
            raise Forbidden("This API client lacks the scope incidents:write.")
        return
    if actor.is_handler:
        return
    extra = sorted(to_camel(f) for f in fields - REPORTER_FIELDS)
    if extra:
        raise Forbidden(f"Only the case handler may set: {', '.join(extra)}.")


def _may_update(incident: Incident, actor: Actor, fields: set[str]) -> None:
    reporting = incident.reported_by_user_id == actor.user_id and incident.status == Status.reported.value
    if actor.kind != "apiClient" and not actor.is_handler and not reporting:
        raise Forbidden("Only the case handler may change this incident.")
    _may_set(actor, fields)


def _apply_status(incident: Incident, data: IncidentUpdate, fields: set[str]) -> str | None:
    if "status" not in fields or data.status is None or data.status.value == incident.status:
        return None
    current, target = Status(incident.status), data.status
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current]))
        raise InvalidState(
            f"An incident cannot go from {current.value} to {target.value}; allowed: {allowed}.",
            [FieldError("status", f"allowed from {current.value}: {allowed}", "transition_not_allowed")],
        )
    if target == Status.closed:
        if not data.closure_reason:
            raise Invalid(
                "Closing an incident needs a reason.",
                [FieldError("closureReason", "required when status becomes closed", "required")],
            )
        incident.closed_at = utcnow()
        incident.closure_reason = data.closure_reason
    elif current == Status.closed:
        incident.closed_at = None
    incident.status = target.value
    return f"{current.value}->{target.value}"


SIMPLE_FIELDS = (
    "title",
    "description",
    "occurred_at",
    "detected_at",
    "platform",
    "location_kind",
    "urls",
    "frequency",
    "targets",
    "affected_employees",
    "perpetrator",
    "severity",
    "confidentiality",
    "case_handler_id",
    "external_references",
    "gir_category",
    "safetynet_category",
    "police_report_required",
    "protocol_not_applicable",
    "protocol_not_applicable_reason",
    "strong_reaction",
    "perpetrator_id",
)
NOT_NULL_FIELDS = frozenset(
    {
        "title",
        "occurred_at",
        "platform",
        "urls",
        "targets",
        "affected_employees",
        "severity",
        "confidentiality",
        "external_references",
        "police_report_required",
        "protocol_not_applicable",
        "strong_reaction",
        "description",
        "behaviours",
        "status",
    }
)


def update(
    session: Session, *, incident: Incident, data: IncidentUpdate, actor: Actor, if_match: str | None
) -> Incident:
    """Apply a merge patch: workflow, classification override and facts, with optimistic locking."""
    fields = set(data.model_fields_set)
    nulls = sorted(f for f in fields if f in NOT_NULL_FIELDS and getattr(data, f) is None)
    if nulls:
        raise Invalid(
            "Some fields cannot be cleared.",
            [FieldError(to_camel(f), "must not be null", "not_null") for f in nulls],
        )
    _may_update(incident, actor, fields)
    concurrency.check_if_match(current=etag(incident), if_match=if_match, what="the incident")
    errors = _check_people(session, organisation_id=incident.organisation_id, data=data)
    occurred = data.occurred_at if "occurred_at" in fields else incident.occurred_at
    detected = data.detected_at if "detected_at" in fields else incident.detected_at
    if occurred and detected and detected < occurred:
        errors.append(FieldError("detectedAt", "must not be before occurredAt", "not_before_occurred"))
    if "closure_reason" in fields and data.status != Status.closed:
        errors.append(FieldError("closureReason", "only together with status closed", "only_with_status"))
    if errors:
        raise Invalid("The change is not valid.", errors)
    transition = _apply_status(incident, data, fields)
    for name in SIMPLE_FIELDS:
        if name in fields:
            setattr(incident, name, _dump(getattr(data, name)))
    if "political_office_holder" in fields and data.political_office_holder is not None:
        incident.political_office_holder = data.political_office_holder
    if "behaviours" in fields and data.behaviours:
        incident.behaviours = list(dict.fromkeys(b.value for b in data.behaviours))
        pack = legal.pack_content(session, incident.organisation_id)
        incident.derived_classification = rules.derive_classification(pack, incident.behaviours)
    if "classification_override" in fields:
        override = data.classification_override
        incident.classification_override = (
            [c.value for c in dict.fromkeys(override.categories)] if override else None
        )
        incident.classification_override_reason = override.reason if override else None
    incident.search_text = _search_text(incident)
    incident.version += 1
    incident.updated_at = utcnow()
    session.add(incident)
    session.flush()
    if fields & {"behaviours", "affected_employees"}:
        _sync_links(session, incident)
    if "external_references" in fields:
        external_references.sync(session, incident=incident)
    details: dict[str, Any] = {"fields": sorted(to_camel(f) for f in fields)}
    if transition:
        details["status"] = transition
    audit.record(
        session,
        action="incident.close"
        if incident.status == Status.closed.value and transition
        else "incident.update",
        organisation_id=incident.organisation_id,
        actor=actor,
        object_type="incident",
        object_id=incident.id,
        details=details,
    )
    apply_pack_rules(session, incident=incident, fields=fields)
    return incident
