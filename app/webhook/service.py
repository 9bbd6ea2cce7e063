"""Webhook subscriptions and emitting events: `emit` records an event and queues its deliveries.

Deliveries run from the job table after the emitting transaction has committed (see
app.webhook.delivery). Payloads are thin: ids, reference and status, never personal data; the
receiver fetches the rest through the API with its own scopes.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from app.audit import service as audit
from app.auth.actor import Actor
from app.db import utcnow
from app.errors import FieldError, InvalidState, NotFound
from app.incident.models import Incident
from app.jobs import service as jobs
from app.webhook import events, targets
from app.webhook.delivery import DELIVER_JOB
from app.webhook.models import (
    PING,
    DeliveryStatus,
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
        jobs.enqueue(session, kind=DELIVER_JOB, payload={"deliveryId": str(delivery.id), "attempt": 1})
    return event


def incident_data(incident: Any) -> dict[str, Any]:
    """The thin payload of incident events."""
    return events.incident(incident)


def emit_incident(session: Session, *, incident: Any, event_type: str | list[str]) -> None:
    """Emit incident events (several in this order, e.g. incident.updated then incident.closed),
    unless the incident is strictly confidential (never announced)."""
    if incident.confidentiality == "strictly_confidential":
        return
    data = incident_data(incident)
    kinds = [event_type] if isinstance(event_type, str) else event_type
    if kinds == [EventType.incident_closed.value]:
        # Closing is a change as well: a mirror that follows incident.updated sees it too.
        kinds = [EventType.incident_updated.value, EventType.incident_closed.value]
    for kind in kinds:
        emit(session, organisation_id=incident.organisation_id, event_type=kind, data=data)


# The resource an event about something of an incident is about: its id field and API path.
_RESOURCES = {
    "evidence.": ("evidenceId", "/evidence/{}"),
    "takedown.": ("takedownRequestId", "/takedown-requests/{}"),
    "action.": ("actionId", "/actions/{}"),
}


def emit_for_incident(
    session: Session, *, incident_id: uuid.UUID, event_type: str | list[str], data: dict[str, Any]
) -> None:
    """Emit events about something of an incident (evidence, takedown, action), with the incident's
    id, reference and absolute URLs; none for a strictly confidential incident."""
    incident = session.get(Incident, incident_id)
    if incident is None or incident.confidentiality == "strictly_confidential":
        return
    kinds = [event_type] if isinstance(event_type, str) else event_type
    values = {
        "incidentId": str(incident.id),
        "reference": incident.reference,
        "incidentUrl": events.api_url(f"/incidents/{incident.id}"),
        **data,
    }
    for prefix, (id_field, path) in _RESOURCES.items():
        if kinds[0].startswith(prefix) and id_field in values and "url" not in values:
            values["url"] = events.api_url(path.format(values[id_field]))
    for kind in kinds:
        emit(
            session,
            organisation_id=incident.organisation_id,
            event_type=kind,
            data=events.build(kind, **values),
        )


def emit_recording_violation(session: Session, *, violation: Any, incident: Any) -> None:
    """Emit recording_permission.violation (none when the opened incident is strictly confidential)."""
    if incident.confidentiality == "strictly_confidential":
        return
    permission_url = events.api_url(f"/recording-permissions/{violation.recording_permission_id}")
    emit(
        session,
        organisation_id=violation.organisation_id,
        event_type=EventType.recording_permission_violation.value,
        data=events.build(
            EventType.recording_permission_violation.value,
            recording_permission_id=violation.recording_permission_id,
            violation_id=violation.id,
            incident_id=incident.id,
            reference=incident.reference,
            kinds=list(violation.kinds),
            url=permission_url,
            violations_url=f"{permission_url}/violations",
            incident_url=events.api_url(f"/incidents/{incident.id}"),
        ),
    )


# --- ping, redelivery, secret rotation ------------------------------------------------------


def _require_active(subscription: WebhookSubscription) -> None:
    if subscription.status != SubscriptionStatus.active.value:
        raise InvalidState(
            "The subscription is disabled (its receiver answered 410 Gone); make a new one.",
            [FieldError("status", "the subscription is disabled", code="subscription_disabled")],
        )


def _queue(session: Session, delivery: WebhookDelivery) -> None:
    """Queue the next attempt of a delivery now; an older scheduled retry then does nothing."""
    jobs.enqueue(
        session,
        kind=DELIVER_JOB,
        payload={"deliveryId": str(delivery.id), "attempt": delivery.attempts + 1},
    )


def ping(session: Session, *, subscription: WebhookSubscription, actor: Actor) -> WebhookDelivery:
    """Queue a webhook.ping to this subscription only; the job runner delivers it at once."""
    _require_active(subscription)
    event = WebhookEvent(
        organisation_id=subscription.organisation_id,
        event_type=PING,
        data=events.build(
            PING,
            webhook_subscription_id=subscription.id,
            url=events.api_url(f"/webhook-subscriptions/{subscription.id}"),
        ),
    )
    session.add(event)
    session.flush()
    delivery = WebhookDelivery(
        organisation_id=subscription.organisation_id,
        subscription_id=subscription.id,
        event_id=event.id,
        event_type=PING,
        next_attempt_at=event.created_at,
    )
    session.add(delivery)
    session.flush()
    _queue(session, delivery)
    audit.record(
        session,
        action="webhook_subscription.ping",
        organisation_id=subscription.organisation_id,
        actor=actor,
        object_type="webhook_subscription",
        object_id=subscription.id,
        details={"deliveryId": str(delivery.id)},
    )
    return delivery


def get_delivery(
    session: Session, *, subscription: WebhookSubscription, delivery_id: uuid.UUID
) -> tuple[WebhookDelivery, list[WebhookAttempt]]:
    """One delivery of the subscription with its attempts, or NotFound."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.subscription_id != subscription.id:
        raise NotFound("Webhook delivery")
    attempts = session.exec(
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id == delivery.id)
        .order_by(col(WebhookAttempt.attempt))
    ).all()
    return delivery, list(attempts)


def redeliver(
    session: Session, *, subscription: WebhookSubscription, delivery: WebhookDelivery, actor: Actor
) -> WebhookDelivery:
    """Send a delivery again now: the same event and webhook-id, a new attempt in its log."""
    _require_active(subscription)
    delivery.status = DeliveryStatus.pending.value
    delivery.completed_at = None
    delivery.next_attempt_at = utcnow()
    session.add(delivery)
    session.flush()
    _queue(session, delivery)
    audit.record(
        session,
        action="webhook_delivery.redeliver",
        organisation_id=subscription.organisation_id,
        actor=actor,
        object_type="webhook_subscription",
        object_id=subscription.id,
        details={"deliveryId": str(delivery.id), "eventId": str(delivery.event_id)},
    )
    return delivery


def rotate_secret(
    session: Session,
    *,
    subscription: WebhookSubscription,
    actor: Actor,
    secret_key: str,
    overlap: timedelta,
) -> str:
    """A new signing secret (returned once); the current one keeps signing as well for `overlap`.

    A rotation during an overlap drops the oldest secret: at most two secrets sign at a time.
    """
    _require_active(subscription)
    secret = new_secret()
    now = utcnow()
    subscription.previous_sealed_secret = subscription.sealed_secret if overlap.total_seconds() > 0 else None
    subscription.previous_secret_expires_at = now + overlap if overlap.total_seconds() > 0 else None
    subscription.sealed_secret = seal_secret(secret_key, subscription.id, secret)
    session.add(subscription)
    session.flush()
    audit.record(
        session,
        action="webhook_subscription.rotate_secret",
        organisation_id=subscription.organisation_id,
        actor=actor,
        object_type="webhook_subscription",
        object_id=subscription.id,
        details={
            "previousSecretExpiresAt": subscription.previous_secret_expires_at.isoformat()
            if subscription.previous_secret_expires_at
            else None
        },
    )
    return secret
