"""The HMAC keys that seal audit events and anchors, held outside the database.

Each key is known by a key id derived from the key itself, stored on every keyed event, so that
after a rotation the previous keys (verify-only) still verify what they sealed.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from app.config import Settings, get_settings

KEY_ID_LENGTH = 16


def key_id_of(key: bytes) -> str:
    """The public name of a key: a fingerprint that tells nothing about the key."""
    return hashlib.sha256(b"weerbaar-audit-key-id:" + key).hexdigest()[:KEY_ID_LENGTH]


@dataclass(frozen=True)
class AuditKeys:
    """The current signing key and the verify-only keys of earlier rotations."""

    current: bytes
    previous: tuple[bytes, ...] = ()
    _by_id: dict[str, bytes] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id = {key_id_of(key): key for key in self.previous}
        by_id[key_id_of(self.current)] = self.current
        object.__setattr__(self, "_by_id", by_id)

    @property
    def current_id(self) -> str:
        """The id written on every newly sealed event."""
        return key_id_of(self.current)

    def known(self, key_id: str) -> bool:
        """Whether this key id can be verified here."""
        return key_id in self._by_id

    def seal(self, data: bytes, key_id: str | None = None) -> str:
        """HMAC-SHA256 of the data, hex, under the current key or a known earlier one."""
        key = self._by_id[key_id] if key_id else self.current
        return hmac.new(key, data, hashlib.sha256).hexdigest()

    def matches(self, data: bytes, *, key_id: str, mac: str) -> bool:
        """Whether the MAC was made over the data with that key (constant time)."""
        return key_id in self._by_id and hmac.compare_digest(self.seal(data, key_id), mac)


def from_settings(settings: Settings) -> AuditKeys:
    """The keys the settings name (raises ConfigurationError when the key is missing in production)."""
    return AuditKeys(
        current=settings.resolved_audit_key().encode(),
        previous=tuple(key.encode() for key in settings.resolved_previous_audit_keys()),
    )


_active: AuditKeys | None = None


def configure(settings: Settings) -> AuditKeys:
    """Use the keys of these settings for the events this process records from now on."""
    global _active
    _active = from_settings(settings)
    return _active


def active() -> AuditKeys:
    """The keys in use in this process (those of the process settings unless configured)."""
    return _active or configure(get_settings())
