"""Webhook subscriptions: signed event deliveries to integrators, with a delivery log."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from api.access import access_text, documented_access
from api.deps import CurrentActor, Permission, SessionDep, SettingsDep, TransactionRoute
from app import pagination
from app.auth.actor import Actor, Scope
from app.db import utcnow
from app.organisation.models import Role
from app.schemas import Page
from app.webhook import service as webhooks
from app.webhook.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from app.webhook.schemas import (
    WebhookAttemptPublic,
    WebhookDeliveryPublic,
    WebhookSubscriptionCreate,
    WebhookSubscriptionPublic,
    WebhookSubscriptionWithSecret,
)

router = APIRouter(tags=["webhooks"], route_class=TransactionRoute)

Reader = Annotated[Actor, Depends(Permission(Role.admin, scope=Scope.webhooks_read))]
Writer = Annotated[Actor, Depends(Permission(Role.admin, scope=Scope.webhooks_write))]
READ = documented_access(Role.admin, scope=Scope.webhooks_read)
WRITE = documented_access(Role.admin, scope=Scope.webhooks_write)
READ_TEXT = access_text(Role.admin, scope=Scope.webhooks_read)
WRITE_TEXT = access_text(Role.admin, scope=Scope.webhooks_write)

SIGNING = """

Deliveries follow Standard Webhooks: a POST with a JSON body `{"type", "timestamp", "data"}` and
the headers `webhook-id` (the same for every retry of one event), `webhook-timestamp` and
`webhook-signature` (`v1,<base64 HMAC-SHA256>` of `<id>.<timestamp>.<body>` under the secret;
after a secret rotation, during the overlap, two space-separated entries: one per secret).
Any 2xx acknowledges; anything else is retried with exponential back-off and jitter (up to 10
attempts, waiting at most about 2.5 hours in all); 410 Gone disables the subscription. Payloads
carry ids, reference, status and absolute URLs only (schemas: the contract's `webhooks`); fetch
the rest through the API. Strictly confidential incidents raise no events."""


def get_subscription(
    session: SessionDep,
    actor: CurrentActor,
    webhook_subscription_id: Annotated[uuid.UUID, Path(alias="webhookSubscriptionId")],
) -> WebhookSubscription:
    """The subscription in the path, if it is the caller's organisation's; 404 otherwise."""
    return webhooks.get(session, subscription_id=webhook_subscription_id, actor=actor)


CurrentSubscription = Annotated[WebhookSubscription, Depends(get_subscription)]


def _public(subscription: WebhookSubscription) -> WebhookSubscriptionPublic:
    public = WebhookSubscriptionPublic.model_validate(subscription)
    if public.previous_secret_expires_at is not None and public.previous_secret_expires_at <= utcnow():
        public.previous_secret_expires_at = None  # the overlap is over: one secret signs
    return public


def _with_secret(subscription: WebhookSubscription, secret: str) -> WebhookSubscriptionWithSecret:
    return WebhookSubscriptionWithSecret.model_validate(
        {**_public(subscription).model_dump(), "secret": secret}
    )


@router.post(
    "/webhook-subscriptions",
    status_code=status.HTTP_201_CREATED,
    operation_id="createWebhookSubscription",
    summary="Subscribe to events",
    description="Subscribe a URL to events. The signing secret is in this response only. The URL "
    "must be https in production and must not point at a private, loopback or reserved address."
    + SIGNING
    + WRITE_TEXT,
    openapi_extra=WRITE,
)
def create_webhook_subscription(
    body: WebhookSubscriptionCreate,
    actor: Writer,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
    response: Response,
) -> WebhookSubscriptionWithSecret:
    """Subscribe to events; the secret is returned once."""
    subscription, secret = webhooks.create(
        session,
        data=body,
        actor=actor,
        allow_private=settings.webhook_allow_private_targets,
        require_https=settings.environment == "production",
        secret_key=request.app.state.secret_key,
    )
    response.headers["Location"] = f"/api/v1/webhook-subscriptions/{subscription.id}"
    return _with_secret(subscription, secret)


@router.get(
    "/webhook-subscriptions",
    operation_id="listWebhookSubscriptions",
    summary="List webhook subscriptions",
    description="The organisation's subscriptions, oldest first." + READ_TEXT,
    openapi_extra=READ,
)
def list_webhook_subscriptions(actor: Reader, session: SessionDep) -> list[WebhookSubscriptionPublic]:
    """The organisation's subscriptions."""
    return [_public(s) for s in webhooks.list_all(session, actor=actor)]


@router.get(
    "/webhook-subscriptions/{webhookSubscriptionId}",
    operation_id="getWebhookSubscription",
    summary="Get a webhook subscription",
    description="One subscription (never its secret)." + READ_TEXT,
    openapi_extra=READ,
)
def get_webhook_subscription(actor: Reader, subscription: CurrentSubscription) -> WebhookSubscriptionPublic:
    """One subscription."""
    return _public(subscription)


@router.delete(
    "/webhook-subscriptions/{webhookSubscriptionId}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="deleteWebhookSubscription",
    summary="Delete a webhook subscription",
    description="End the subscription; no more deliveries, pending retries are dropped." + WRITE_TEXT,
    openapi_extra=WRITE,
)
def delete_webhook_subscription(
    actor: Writer, subscription: CurrentSubscription, session: SessionDep
) -> None:
    """End the subscription."""
    webhooks.delete(session, subscription=subscription, actor=actor)


def _delivery(delivery: WebhookDelivery, attempts: list[WebhookAttempt]) -> WebhookDeliveryPublic:
    return WebhookDeliveryPublic.model_validate(
        {
            **{
                name: getattr(delivery, name)
                for name in (
                    "id",
                    "event_id",
                    "event_type",
                    "status",
                    "next_attempt_at",
                    "created_at",
                    "completed_at",
                )
            },
            "attempts": [WebhookAttemptPublic.model_validate(a) for a in attempts],
        }
    )


@router.get(
    "/webhook-subscriptions/{webhookSubscriptionId}/deliveries",
    operation_id="listWebhookDeliveries",
    summary="The delivery log of a subscription",
    description="Every delivery, newest first, with every attempt (status code, duration, error)."
    + READ_TEXT,
    openapi_extra=READ,
)
def list_webhook_deliveries(
    request: Request,
    actor: Reader,
    subscription: CurrentSubscription,
    session: SessionDep,
    cursor: Annotated[str | None, Query(max_length=200, description="From the `next` link.")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
) -> Page[WebhookDeliveryPublic]:
    """The delivery log."""
    rows, after = webhooks.deliveries(
        session,
        subscription=subscription,
        limit=limit,
        before=pagination.decode_id_cursor(cursor) if cursor else None,
    )
    next_url = str(request.url.include_query_params(cursor=str(after))) if after else None
    return Page[WebhookDeliveryPublic](items=[_delivery(d, a) for d, a in rows], next=next_url)


def _delivery_location(subscription: WebhookSubscription, delivery: WebhookDelivery) -> str:
    return f"/api/v1/webhook-subscriptions/{subscription.id}/deliveries/{delivery.id}"


@router.get(
    "/webhook-subscriptions/{webhookSubscriptionId}/deliveries/{deliveryId}",
    operation_id="getWebhookDelivery",
    summary="Get a delivery",
    description="One delivery of the subscription with every attempt (e.g. to see how a ping or a "
    "redelivery went)." + READ_TEXT,
    openapi_extra=READ,
)
def get_webhook_delivery(
    actor: Reader,
    subscription: CurrentSubscription,
    session: SessionDep,
    delivery_id: Annotated[uuid.UUID, Path(alias="deliveryId")],
) -> WebhookDeliveryPublic:
    """One delivery."""
    delivery, attempts = webhooks.get_delivery(session, subscription=subscription, delivery_id=delivery_id)
    return _delivery(delivery, attempts)


@router.post(
    "/webhook-subscriptions/{webhookSubscriptionId}/pings",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="pingWebhookSubscription",
    summary="Send a test message",
    description="Queue a `webhook.ping` event for this subscription only, signed like every "
    "delivery; the job runner sends it at once. The answer is the queued delivery (Location: the "
    "delivery, to see its attempt). A disabled subscription gives 409." + SIGNING + WRITE_TEXT,
    openapi_extra=WRITE,
)
def ping_webhook_subscription(
    actor: Writer, subscription: CurrentSubscription, session: SessionDep, response: Response
) -> WebhookDeliveryPublic:
    """Queue a ping."""
    delivery = webhooks.ping(session, subscription=subscription, actor=actor)
    response.headers["Location"] = _delivery_location(subscription, delivery)
    return _delivery(delivery, [])


@router.post(
    "/webhook-subscriptions/{webhookSubscriptionId}/deliveries/{deliveryId}/redeliveries",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="redeliverWebhookDelivery",
    summary="Send a delivery again",
    description="Queue a new attempt of this delivery now, whatever its status: the same event, "
    "body and `webhook-id` (receivers deduplicate on it), signed afresh. The attempt is added to "
    "the delivery's log. A disabled subscription gives 409." + WRITE_TEXT,
    openapi_extra=WRITE,
)
def redeliver_webhook_delivery(
    actor: Writer,
    subscription: CurrentSubscription,
    session: SessionDep,
    response: Response,
    delivery_id: Annotated[uuid.UUID, Path(alias="deliveryId")],
) -> WebhookDeliveryPublic:
    """Queue a redelivery."""
    delivery, attempts = webhooks.get_delivery(session, subscription=subscription, delivery_id=delivery_id)
    webhooks.redeliver(session, subscription=subscription, delivery=delivery, actor=actor)
    response.headers["Location"] = _delivery_location(subscription, delivery)
    return _delivery(delivery, attempts)


@router.post(
    "/webhook-subscriptions/{webhookSubscriptionId}/secret-rotations",
    operation_id="rotateWebhookSecret",
    summary="Rotate the signing secret",
    description="Issue a new signing secret, returned in this response only. Until "
    "`previousSecretExpiresAt` (WEERBAAR_WEBHOOK_SECRET_OVERLAP_HOURS, default 24 hours) every "
    "delivery carries two signatures in `webhook-signature`, one per secret, so a receiver can "
    "switch to the new secret at any time in between; afterwards only the new secret signs. A "
    "rotation during an overlap ends the oldest secret at once. A disabled subscription gives 409."
    + WRITE_TEXT,
    openapi_extra=WRITE,
)
def rotate_webhook_secret(
    actor: Writer,
    subscription: CurrentSubscription,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
) -> WebhookSubscriptionWithSecret:
    """Replace the signing secret, with an overlap."""
    secret = webhooks.rotate_secret(
        session,
        subscription=subscription,
        actor=actor,
        secret_key=request.app.state.secret_key,
        overlap=timedelta(hours=settings.webhook_secret_overlap_hours),
    )
    return _with_secret(subscription, secret)
