"""Asking a removed URL whether it answers again, without letting a URL steer the server inward (SSRF).

The URL is checked and resolved with the webhook target rules (app.webhook.targets): public addresses
only unless allowed, the connection goes to exactly the address that was checked (no DNS rebinding),
redirects are not followed and the body is never read or stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

from app import tls
from app.errors import Invalid
from app.spread.models import RecheckOutcome
from app.webhook import targets

USER_AGENT = "Weerbaar-Recheck/1"
STILL_REMOVED = frozenset({404, 410, 451})


@dataclass(frozen=True)
class Probe:
    """What one check found."""

    outcome: RecheckOutcome
    http_status: int | None
    detail: str | None


def outcome_of(status: int) -> RecheckOutcome:
    """2xx: back online; 404, 410, 451: still removed; anything else needs a person to look."""
    if 200 <= status < 300:
        return RecheckOutcome.back_online
    if status in STILL_REMOVED:
        return RecheckOutcome.still_removed
    return RecheckOutcome.inconclusive


def _get(target: targets.Target, timeout: float) -> int:
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
            "GET", pinned, headers={"host": host, "user-agent": USER_AGENT}, extensions=extensions
        ) as response,
    ):
        return response.status_code


def probe(url: str, *, allow_private: bool, timeout: float) -> Probe:
    """Check the URL once; never raises for anything the URL or the network does."""
    try:
        targets.check_url(url, require_https=False)
        target = targets.resolve(url, allow_private=allow_private)
    except Invalid:
        return Probe(RecheckOutcome.unreachable, None, "not an absolute http(s) URL")
    except targets.TargetRefused as exc:
        return Probe(RecheckOutcome.unreachable, None, f"refused: {exc}"[:500])
    try:
        status = _get(target, timeout)
    except httpx.TimeoutException:
        return Probe(RecheckOutcome.unreachable, None, "no answer in time")
    except httpx.HTTPError as exc:
        return Probe(RecheckOutcome.unreachable, None, f"{type(exc).__name__}: {exc}"[:500])
    return Probe(outcome_of(status), status, f"HTTP {status}")
