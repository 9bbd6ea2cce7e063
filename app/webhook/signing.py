"""Webhook signing secrets: made once, stored encrypted, read back to sign each delivery."""

from __future__ import annotations

import base64
import secrets
import uuid

from app.integration import sealing
from app.webhook.models import WebhookSubscription

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format prefix, not a secret
SEALING_PURPOSE = "webhook secrets"


def new_secret() -> str:
    """A Standard Webhooks secret: whsec_ and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def seal_secret(secret_key: str, subscription_id: uuid.UUID, secret: str) -> str:
    """The signing secret as stored: encrypted for this subscription, base64."""
    sealed = sealing.seal(secret_key, SEALING_PURPOSE, subscription_id, secret.encode())
    return base64.b64encode(sealed).decode()


def unseal_secret(
    secret_key: str, subscription: WebhookSubscription, *, sealed: str | None = None
) -> str | None:
    """The signing secret (or another sealed one of the subscription, e.g. the previous one), or
    None when it cannot be decrypted (the server's key changed)."""
    opened = sealing.unseal(
        secret_key,
        SEALING_PURPOSE,
        subscription.id,
        base64.b64decode(sealed if sealed is not None else subscription.sealed_secret),
    )
    return opened.decode() if opened is not None else None
