"""Webhook subscriptions: signed event deliveries to integrators, with a delivery log."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from api.access import access_text, documented_access
from api.deps import CurrentActor, Permission, SessionDep, SettingsDep
from app import pagination
from app.auth.actor import Actor, Scope
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

router = APIRouter(tags=["webhooks"])

Reader = Annotated[Actor, Depends(Permission(Role.admin, scope=Scope.webhooks_read))]
Writer = Annotated[Actor, Depends(Permission(Role.admin, scope=Scope.webhooks_write))]
READ = documented_access(Role.admin, scope=Scope.webhooks_read)
WRITE = documented_access(Role.admin, scope=Scope.webhooks_write)
READ_TEXT = access_text(Role.admin, scope=Scope.webhooks_read)
WRITE_TEXT = access_text(Role.admin, scope=Scope.webhooks_write)

SIGNING = """

Deliveries follow Standard Webhooks: a POST with a JSON body `{"type", "timestamp", "data"}` and
the headers `webhook-id` (the same for every retry of one event), `webhook-timestamp` and
`webhook-signature` (`v1,<base64 HMAC-SHA256>` of `<id>.<timestamp>.<body>` under the secret).
Any 2xx acknowledges; anything else is retried with exponential back-off and jitter (up to 10
attempts, waiting at most about 2.5 hours in all); 410 Gone disables the subscription. Payloads
carry ids, reference and status only; fetch the rest through the API. Strictly confidential
incidents raise no events."""


def get_subscription(
    session: SessionDep,
    actor: CurrentActor,
    webhook_subscription_id: Annotated[uuid.UUID, Path(alias="webhookSubscriptionId")],
) -> WebhookSubscription:
    """The subscription in the path, if it is the caller's organisation's; 404 otherwise."""
    return webhooks.get(session, subscription_id=webhook_subscription_id, actor=actor)


CurrentSubscription = Annotated[WebhookSubscription, Depends(get_subscription)]


def _public(subscription: WebhookSubscription) -> WebhookSubscriptionPublic:
    return WebhookSubscriptionPublic.model_validate(subscription)


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
    return WebhookSubscriptionWithSecret.model_validate(
        {**_public(subscription).model_dump(), "secret": secret}
    )


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
