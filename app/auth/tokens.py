"""Bearer tokens: random, shown once, stored only as a keyed digest."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SESSION_PREFIX = "wbs_"
CLIENT_PREFIX = "wbc_"


def new_token(prefix: str) -> str:
    """A fresh token with 256 bits of randomness."""
    return prefix + secrets.token_urlsafe(32)


def digest(token: str, key: str) -> str:
    """HMAC-SHA256 of the token under the server's secret key, hex."""
    return hmac.new(key.encode(), token.encode(), hashlib.sha256).hexdigest()


# OAuth2 client credentials: the client secret an API client authenticates with at the token
# endpoint, and the short-lived access tokens it gets there.
SECRET_PREFIX = "wbk_"  # noqa: S105 - a prefix, not a secret
ACCESS_PREFIX = "wba_"


def matches(candidate: str, stored_digest: str | None, key: str) -> bool:
    """Whether the candidate's digest equals the stored one (in constant time)."""
    if not stored_digest:
        return False
    return hmac.compare_digest(digest(candidate, key), stored_digest)
