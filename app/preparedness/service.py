"""The preparedness plan: read by all staff, kept by the coordinators and administrators."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, select

from app import concurrency
from app.audit import service as audit
from app.auth.actor import Actor
from app.db import utcnow
from app.errors import FieldError, Invalid
from app.preparedness.models import PreparednessPlan
from app.preparedness.schemas import PreparednessPlanPublic, PreparednessPlanReplace

FIELDS = (
    "norm",
    "monitoring",
    "response",
    "removal_guidance",
    "contacts",
    "search_terms",
    "next_review_on",
)


def find(session: Session, *, actor: Actor) -> PreparednessPlan | None:
    """The actor's organisation's plan, if it was ever saved."""
    found = session.exec(
        select(PreparednessPlan).where(PreparednessPlan.organisation_id == actor.organisation_id)
    ).first()
    return found


def etag(plan: PreparednessPlan | None) -> str:
    """The strong ETag of the plan's version (0 before it is first saved)."""
    return concurrency.etag(plan.version if plan else 0)


def to_public(plan: PreparednessPlan | None) -> PreparednessPlanPublic:
    """The API view; an empty plan of version 0 when there is none yet."""
    if plan is None:
        return PreparednessPlanPublic(
            norm="",
            monitoring="",
            response="",
            removal_guidance="",
            contacts=[],
            search_terms=[],
            next_review_on=None,
            review_overdue=False,
            version=0,
            updated_at=None,
        )
    today = datetime.now(UTC).date()
    return PreparednessPlanPublic.model_validate(
        {
            **{name: getattr(plan, name) for name in FIELDS},
            "review_overdue": plan.next_review_on is not None and plan.next_review_on < today,
            "version": plan.version,
            "updated_at": plan.updated_at,
        }
    )


def replace(
    session: Session, *, data: PreparednessPlanReplace, actor: Actor, if_match: str | None
) -> PreparednessPlan:
    """Save the whole plan (If-Match with the current version, "0" for the first); audited."""
    plan = find(session, actor=actor)
    concurrency.check_if_match(current=etag(plan), if_match=if_match, what="the preparedness plan")
    errors = [
        FieldError(
            f"contacts/{index}/phone",
            "a contact needs a phone number or an e-mail address",
            code="contact_unreachable",
        )
        for index, contact in enumerate(data.contacts)
        if not contact.phone and not contact.email
    ]
    if errors:
        raise Invalid("The preparedness plan is not valid.", errors)
    if plan is None:
        plan = PreparednessPlan(organisation_id=actor.organisation_id, version=0)
    before = {name: getattr(plan, name) for name in FIELDS}
    plan.norm = data.norm.strip()
    plan.monitoring = data.monitoring.strip()
    plan.response = data.response.strip()
    plan.removal_guidance = data.removal_guidance.strip()
    plan.contacts = [c.model_dump(exclude_none=True) for c in data.contacts]
    # The same term twice says nothing more; the order the coordinator chose stays.
    plan.search_terms = list(dict.fromkeys(data.search_terms))
    plan.next_review_on = data.next_review_on
    plan.version += 1
    plan.updated_at = utcnow()
    plan.updated_by_user_id = actor.user_id
    session.add(plan)
    session.flush()
    changed = sorted(name for name in FIELDS if getattr(plan, name) != before[name])
    audit.record(
        session,
        action="preparedness.update",
        organisation_id=actor.organisation_id,
        actor=actor,
        object_type="preparedness_plan",
        object_id=plan.id,
        details={"fields": changed, "version": plan.version},
    )
    return plan
