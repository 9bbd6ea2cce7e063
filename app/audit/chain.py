"""How one audit event is sealed: its canonical form and its (keyed) hash."""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum

from app.audit.keys import AuditKeys
from app.audit.models import AuditEvent

GENESIS = "0" * 64


class Seal(StrEnum):
    """What checking one event's hash found."""

    keyed = "keyed"  # the HMAC under its key matches
    legacy = "legacy"  # written before keying: the plain SHA-256 matches
    mismatch = "mismatch"  # the hash does not match the content
    unknown_key = "unknown_key"  # sealed with a key that is not configured here


def canonical(event: AuditEvent) -> bytes:
    """The bytes that the hash covers: every field and the hash of the predecessor."""
    payload = {
        "chain": event.chain,
        "seq": event.seq,
        "organisationId": str(event.organisation_id) if event.organisation_id else None,
        "at": event.at.isoformat(timespec="microseconds"),
        "actorKind": event.actor_kind,
        "actorId": event.actor_id,
        "actorLabel": event.actor_label,
        "action": event.action,
        "objectType": event.object_type,
        "objectId": event.object_id,
        "result": event.result,
        "origin": event.origin,
        "details": event.details,
        "prevHash": event.prev_hash,
    }
    if event.key_id is not None:
        # Unkeyed events keep the form they were hashed in.
        payload["keyId"] = event.key_id
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def seal(event: AuditEvent, keys: AuditKeys) -> None:
    """Name the current key on the event and set its HMAC."""
    event.key_id = keys.current_id
    event.hash = keys.seal(canonical(event))


def check(event: AuditEvent, keys: AuditKeys) -> Seal:
    """Whether the event's stored hash matches its content."""
    data = canonical(event)
    if event.key_id is None:
        return Seal.legacy if hashlib.sha256(data).hexdigest() == event.hash else Seal.mismatch
    if not keys.known(event.key_id):
        return Seal.unknown_key
    return Seal.keyed if keys.matches(data, key_id=event.key_id, mac=event.hash) else Seal.mismatch
