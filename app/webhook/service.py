"""Webhook subscriptions and emitting events: `emit` records an event and queues its deliveries.

Deliveries run from the job table after the emitting transaction has committed (see
app.webhook.delivery). Payloads are thin: ids, reference and status, never personal data; the
receiver fetches the rest through the API with its own scopes.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session, col, select

from app.audit import service as audit
from app.auth.actor import Actor
from app.db import utcnow
from app.errors import NotFound
from app.incident.models import Incident
from app.jobs import service as jobs
from app.webhook import targets
from app.webhook.delivery import DELIVER_JOB
from app.webhook.models import (
    EventType,
    SubscriptionStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from app.webhook.schemas import WebhookSubscriptionCreate
from app.webhook.signing import new_secret, seal_secret


def _statement(organisation_id: uuid.UUID) -> Any:
    return select(WebhookSubscription).where(
        WebhookSubscription.organisation_id == organisation_id,
        col(WebhookSubscription.deleted_at).is_(None),
    )


def create(
    session: Session,
    *,
    data: WebhookSubscriptionCreate,
    actor: Actor,
    allow_private: bool,
    require_https: bool,
    secret_key: str,
) -> tuple[WebhookSubscription, str]:
    """A new subscription and its fresh signing secret (shown once, stored encrypted)."""
    targets.check_target(data.url, allow_private=allow_private, require_https=require_https)
    secret = new_secret()
    subscription_id = uuid.uuid4()
    subscription = WebhookSubscription(
        id=subscription_id,
        organisation_id=actor.organisation_id,
        url=data.url,
        description=data.description,
        event_types=[e.value for e in dict.fromkeys(data.event_types)],
        sealed_secret=seal_secret(secret_key, subscription_id, secret),
        created_by_user_id=actor.user_id,
        created_by_client_id=actor.client_id,
    )
    session.add(subscription)
    session.flush()
    audit.record(
        session,
        action="webhook_subscription.create",
        organisation_id=actor.organisation_id,
        actor=actor,
        object_type="webhook_subscription",
        object_id=subscription.id,
        details={"url": subscription.url, "eventTypes": subscription.event_types},
    )
    return subscription, secret


def list_all(session: Session, *, actor: Actor) -> list[WebhookSubscription]:
    """The organisation's subscriptions, oldest first."""
    stmt = _statement(actor.organisation_id).order_by(
        col(WebhookSubscription.created_at), col(WebhookSubscription.id)
    )
    return list(session.exec(stmt).all())


def get(session: Session, *, subscription_id: uuid.UUID, actor: Actor) -> WebhookSubscription:
    """One subscription of the caller's organisation, or NotFound."""
    found: WebhookSubscription | None = session.exec(
        _statement(actor.organisation_id).where(col(WebhookSubscription.id) == subscription_id)
    ).first()
    if found is None:
        raise NotFound("Webhook subscription")
    return found


def delete(session: Session, *, subscription: WebhookSubscription, actor: Actor) -> None:
    """End the subscription; pending deliveries are dropped, the log is kept."""
    subscription.deleted_at = utcnow()
    session.add(subscription)
    audit.record(
        session,
        action="webhook_subscription.delete",
        organisation_id=subscription.organisation_id,
        actor=actor,
        object_type="webhook_subscription",
        object_id=subscription.id,
    )


def deliveries(
    session: Session, *, subscription: WebhookSubscription, limit: int, before: uuid.UUID | None
) -> tuple[list[tuple[WebhookDelivery, list[WebhookAttempt]]], uuid.UUID | None]:
    """The delivery log, newest first, with every attempt; the id to continue after, if more."""
    stmt = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription.id)
    if before is not None:
        anchor = session.get(WebhookDelivery, before)
        if anchor is None or anchor.subscription_id != subscription.id:
            return [], None
        stmt = stmt.where(
            (col(WebhookDelivery.created_at) < anchor.created_at)
            | ((col(WebhookDelivery.created_at) == anchor.created_at) & (col(WebhookDelivery.id) < anchor.id))
        )
    stmt = stmt.order_by(col(WebhookDelivery.created_at).desc(), col(WebhookDelivery.id).desc())
    rows = list(session.exec(stmt.limit(limit + 1)).all())
    more = len(rows) > limit
    rows = rows[:limit]
    attempts: dict[uuid.UUID, list[WebhookAttempt]] = {r.id: [] for r in rows}
    if rows:
        for attempt in session.exec(
            select(WebhookAttempt)
            .where(col(WebhookAttempt.delivery_id).in_(list(attempts)))
            .order_by(col(WebhookAttempt.attempt))
        ).all():
            attempts[attempt.delivery_id].append(attempt)
    return [(r, attempts[r.id]) for r in rows], rows[-1].id if more and rows else None


def emit(
    session: Session, *, organisation_id: uuid.UUID, event_type: str, data: dict[str, Any]
) -> WebhookEvent | None:
    """Record an event and queue one delivery per active subscription that wants it."""
    kind = EventType(event_type)
    subscribers = [
        s
        for s in session.exec(
            _statement(organisation_id).where(WebhookSubscription.status == SubscriptionStatus.active.value)
        ).all()
        if kind.value in s.event_types
    ]
    if not subscribers:
        return None
    event = WebhookEvent(organisation_id=organisation_id, event_type=kind.value, data=data)
    session.add(event)
    session.flush()
    for subscription in subscribers:
        delivery = WebhookDelivery(
            organisation_id=organisation_id,
            subscription_id=subscription.id,
            event_id=event.id,
            event_type=kind.value,
            next_attempt_at=event.created_at,
        )
        session.add(delivery)
        session.flush()
        jobs.enqueue(session, kind=DELIVER_JOB, payload={"deliveryId": str(delivery.id)})
    return event


def incident_data(incident: Any) -> dict[str, Any]:
    """The thin payload of incident events."""
    return {
        "incidentId": str(incident.id),
        "reference": incident.reference,
        "status": incident.status,
        "version": incident.version,
        "url": f"/api/v1/incidents/{incident.id}",
    }


def emit_incident(session: Session, *, incident: Any, event_type: str) -> None:
    """Emit an incident event, unless the incident is strictly confidential (never announced)."""
    if incident.confidentiality == "strictly_confidential":
        return
    emit(
        session,
        organisation_id=incident.organisation_id,
        event_type=event_type,
        data=incident_data(incident),
    )


def emit_for_incident(
    session: Session, *, incident_id: uuid.UUID, event_type: str, data: dict[str, Any]
) -> None:
    """Emit an event about something of an incident (evidence, takedown, action), with its id."""
    incident = session.get(Incident, incident_id)
    if incident is None or incident.confidentiality == "strictly_confidential":
        return
    emit(
        session,
        organisation_id=incident.organisation_id,
        event_type=event_type,
        data={"incidentId": str(incident.id), "reference": incident.reference, **data},
    )
