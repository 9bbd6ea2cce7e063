"""Delivering one webhook: signed per Standard Webhooks, retried with back-off, logged per attempt.

Runs as a job (`webhook.deliver`). The job's transaction is committed before the HTTP request, so
no database lock is held while a receiver is slow. Every attempt is stored; a 2xx ends the
delivery, 410 Gone disables the subscription, anything else is retried with exponential back-off
and full jitter until `webhook_max_attempts`.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from sqlmodel import Session
from standardwebhooks.webhooks import Webhook

from app import tls
from app.audit import service as audit
from app.config import Settings, get_settings
from app.db import utcnow
from app.jobs import service as jobs
from app.webhook import targets
from app.webhook.models import (
    DeliveryStatus,
    SubscriptionStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from app.webhook.signing import unseal_secret

log = logging.getLogger("weerbaar.webhooks")

DELIVER_JOB = "webhook.deliver"
USER_AGENT = "Weerbaar-Webhooks/1"


def message_id(event: WebhookEvent) -> str:
    """The webhook-id header: the same for every attempt of the same event."""
    return f"msg_{event.id}"


def payload(event: WebhookEvent) -> str:
    """The body: Standard Webhooks' {type, timestamp, data}, compact JSON."""
    body = {
        "type": event.event_type,
        "timestamp": event.created_at.isoformat().replace("+00:00", "Z"),
        "data": event.data,
    }
    return json.dumps(body, separators=(",", ":"), sort_keys=True)


def signed_headers(secret: str | list[str], msg_id: str, at: datetime, body: str) -> dict[str, str]:
    """webhook-id, webhook-timestamp and webhook-signature for this body; with several secrets
    (during a rotation's overlap) one space-separated `v1,<sig>` entry per secret."""
    secrets = [secret] if isinstance(secret, str) else secret
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(Webhook(s).sign(msg_id, at, body) for s in secrets),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def _post(target: targets.Target, headers: dict[str, str], body: str, timeout: float) -> int:
    """POST to exactly the checked address (Host and TLS SNI name the real host); the status."""
    parts = urlsplit(target.url)
    literal = f"[{target.address}]" if ":" in target.address else target.address
    pinned = urlunsplit((parts.scheme, f"{literal}:{target.port}", parts.path or "/", parts.query, ""))
    default_port = 443 if target.scheme == "https" else 80
    host = target.host if target.port == default_port else f"{target.host}:{target.port}"
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    with (
        httpx.Client(
            timeout=timeout, follow_redirects=False, trust_env=False, verify=tls.client_context()
        ) as client,
        client.stream(
            "POST",
            pinned,
            content=body.encode(),
            headers={**headers, "host": host},
            extensions=extensions,
        ) as response,
    ):
        return response.status_code


def _attempt(
    url: str, headers: dict[str, str], body: str, settings: Settings
) -> tuple[int | None, str | None]:
    """One HTTP attempt: (status code, error)."""
    try:
        targets.check_url(url, require_https=settings.environment == "production")
        target = targets.resolve(url, allow_private=settings.webhook_allow_private_targets)
        status = _post(target, headers, body, settings.webhook_timeout_seconds)
    except targets.TargetRefused as exc:
        return None, f"refused: {exc}"[:500]
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    except Exception as exc:  # noqa: BLE001 - e.g. an Invalid URL: logged in the attempt, retried
        return None, f"{type(exc).__name__}: {exc}"[:500]
    if 200 <= status < 300:
        return status, None
    return status, f"HTTP {status}"


def _finish(delivery: WebhookDelivery, status: DeliveryStatus) -> None:
    delivery.status, delivery.completed_at, delivery.next_attempt_at = status.value, utcnow(), None


def _previous_secret(settings: Settings, subscription: WebhookSubscription) -> list[str]:
    """The secret before the last rotation, while its overlap lasts (it signs as well)."""
    if (
        subscription.previous_sealed_secret is None
        or subscription.previous_secret_expires_at is None
        or subscription.previous_secret_expires_at <= utcnow()
    ):
        return []
    previous = unseal_secret(
        settings.resolved_secret_key(), subscription, sealed=subscription.previous_sealed_secret
    )
    return [previous] if previous is not None else []


@jobs.handler(DELIVER_JOB)
def deliver(session: Session, job_payload: dict[str, Any]) -> None:
    """Make one attempt of a delivery and schedule the next one if it failed."""
    settings = get_settings()
    delivery = session.get(WebhookDelivery, uuid.UUID(job_payload["deliveryId"]))
    if delivery is None or delivery.status != DeliveryStatus.pending.value:
        return
    if "attempt" in job_payload and job_payload["attempt"] != delivery.attempts + 1:
        return  # superseded: a redelivery or a retry made this attempt already
    subscription = session.get(WebhookSubscription, delivery.subscription_id)
    event = session.get(WebhookEvent, delivery.event_id)
    assert subscription is not None and event is not None
    if subscription.deleted_at is not None or subscription.status != SubscriptionStatus.active.value:
        _finish(delivery, DeliveryStatus.failed)
        session.add(delivery)
        return
    number = delivery.attempts + 1
    secret = unseal_secret(settings.resolved_secret_key(), subscription)
    if secret is None:
        session.add(
            WebhookAttempt(
                delivery_id=delivery.id,
                attempt=number,
                error="the signing secret cannot be decrypted: WEERBAAR_SECRET_KEY changed",
            )
        )
        delivery.attempts = number
        _finish(delivery, DeliveryStatus.failed)
        session.add(delivery)
        return
    secrets = [secret, *_previous_secret(settings, subscription)]
    url, body = subscription.url, payload(event)
    headers = signed_headers(secrets, message_id(event), utcnow(), body)
    session.commit()  # no transaction (and no SQLite write lock) while waiting for the receiver

    started = time.monotonic()
    status, error = _attempt(url, headers, body, settings)
    duration_ms = int((time.monotonic() - started) * 1000)

    now = utcnow()
    session.add(
        WebhookAttempt(
            delivery_id=delivery.id,
            attempt=number,
            attempted_at=now,
            status_code=status,
            duration_ms=duration_ms,
            error=error,
        )
    )
    delivery.attempts = number
    if error is None:
        _finish(delivery, DeliveryStatus.succeeded)
    elif status == 410:
        _finish(delivery, DeliveryStatus.failed)
        subscription.status = SubscriptionStatus.disabled.value
        subscription.disabled_at = now
        subscription.disabled_reason = "The receiver answered 410 Gone."
        session.add(subscription)
        audit.record(
            session,
            action="webhook_subscription.disable",
            organisation_id=subscription.organisation_id,
            object_type="webhook_subscription",
            object_id=subscription.id,
            details={"reason": "410 Gone", "deliveryId": str(delivery.id)},
        )
        from app.notification import rules as notification_rules  # late: rules read incidents

        notification_rules.webhook_disabled(
            session, organisation_id=subscription.organisation_id, subscription_id=subscription.id
        )
        log.info("webhook subscription %s disabled: 410 Gone", subscription.id)
    elif number >= settings.webhook_max_attempts:
        _finish(delivery, DeliveryStatus.failed)
    else:
        scale = settings.webhook_retry_base_seconds / 10
        delivery.next_attempt_at = now + jobs.backoff(number) * scale
        jobs.enqueue(
            session,
            kind=DELIVER_JOB,
            payload={"deliveryId": str(delivery.id), "attempt": number + 1},
            run_at=delivery.next_attempt_at,
        )
    session.add(delivery)
