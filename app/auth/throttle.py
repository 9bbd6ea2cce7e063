"""Login throttling per client address, and per client address and account.

Failures count against the address they come from, whatever the accounts tried (a password
spray from one address), and against that address together with the account (guessing one
password). Neither locks the account for anybody else: a stranger who guesses wrong locks out
only themselves, never the user logging in from their own address. IPv6 addresses count per
/64 (what one subscriber gets), so that rotating through one's own prefix does not help.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from app.auth.models import LoginThrottle
from app.db import insert_unless_present, utcnow

KEY_COLUMN = "email"  # LoginThrottle.key's column


@dataclass(frozen=True)
class Keys:
    """The two counters a login attempt touches."""

    address: str
    account: str

    @property
    def both(self) -> list[str]:
        return [self.address, self.account]


def client_of(origin: str | None) -> str:
    """The client a failure counts against: the address, or its /64 for IPv6."""
    if not origin:
        return "unknown"
    try:
        ip = ipaddress.ip_address(origin)
    except ValueError:
        return origin[:100]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)


def keys_for(email: str, origin: str | None) -> Keys:
    """The counters of this client, and of this client with this (normalised) e-mail address."""
    client = client_of(origin)
    pair = hashlib.sha256(f"{client}\n{email}".encode()).hexdigest()
    return Keys(address=f"address:{client}", account=f"account:{pair}")


def locked_for(session: Session, keys: Keys, now: datetime | None = None) -> int | None:
    """Seconds until this client may try this account again, or None when it may now."""
    now = now or utcnow()
    rows = session.exec(select(LoginThrottle).where(col(LoginThrottle.key).in_(keys.both))).all()
    waits = [
        math.ceil((row.locked_until - now).total_seconds())
        for row in rows
        if row.locked_until is not None and row.locked_until > now
    ]
    return max(waits) if waits else None


def count_failure(
    session: Session, keys: Keys, *, max_failures: int, max_address_failures: int, window: timedelta
) -> None:
    """Count a failure against both counters; either locks for `window` at its limit."""
    for key, limit in ((keys.address, max_address_failures), (keys.account, max_failures)):
        _count(session, key, limit, window)


def _count(session: Session, key: str, limit: int, window: timedelta) -> None:
    now = utcnow()
    # Of two concurrent first failures one inserts; both then count on the locked row.
    insert_unless_present(
        session,
        LoginThrottle,
        values={KEY_COLUMN: key, "failures": 0, "first_failure_at": now},
        key=[KEY_COLUMN],
    )
    row = session.exec(
        select(LoginThrottle)
        .where(col(LoginThrottle.key) == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if now - row.first_failure_at > window:
        row.failures, row.first_failure_at, row.locked_until = 0, now, None
    row.failures += 1
    if row.failures >= limit:
        row.locked_until = now + window
    session.add(row)


def forget_account(session: Session, keys: Keys) -> None:
    """A successful login clears this client's count for the account (not the address's count)."""
    row = session.get(LoginThrottle, keys.account)
    if row is not None:
        session.delete(row)
