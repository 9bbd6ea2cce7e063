"""Helpers shared by the integration tests."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from app.db import utcnow
from app.idempotency import service as keys
from app.idempotency.models import IdempotencyKey


def claim_in_progress(session: Session, *, org: Any, member: Any, key: str, body: dict[str, Any]) -> bytes:
    """A key claimed by a first request that has not finished (as the middleware would)."""
    raw = json.dumps(body).encode()
    print_ = keys.fingerprint(hashlib.sha256(raw).hexdigest(), "application/json")
    now = utcnow()
    session.add(
        IdempotencyKey(
            organisation_id=org.organisation_id,
            caller=f"user:{member.user_id}",
            key=key,
            method="POST",
            path="/api/v1/incidents",
            fingerprint=print_,
            created_at=now,
            expires_at=now + timedelta(hours=24),
        )
    )
    session.commit()
    return raw
