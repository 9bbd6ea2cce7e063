"""Where webhooks may go: no private, loopback or otherwise internal addresses (SSRF), https in production.

The host is checked when the subscription is made and resolved again before every delivery; the
delivery then connects to exactly the address that was checked, so a DNS answer that changes in
between (DNS rebinding) cannot steer it to an internal address.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.errors import FieldError, Invalid


class TargetRefused(Exception):
    """The target is not allowed (or cannot be resolved) at delivery time."""


@dataclass(frozen=True)
class Target:
    """A checked URL and the address to connect to."""

    url: str
    scheme: str
    host: str
    port: int
    address: str


def is_public(address: str) -> bool:
    """Whether an IP address is globally routable (not private, loopback, link-local, reserved ...)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(ip.is_global) and not ip.is_multicast


def check_url(url: str, *, require_https: bool) -> None:
    """Refuse a URL that is not absolute http(s), or http where https is required (400)."""
    parts = urlsplit(url)
    problems: list[str] = []
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems.append("must be an absolute http(s) URL")
    elif require_https and parts.scheme != "https":
        problems.append("must use https in production")
    if parts.username or parts.password:
        problems.append("must not contain credentials")
    if parts.fragment:
        problems.append("must not contain a fragment")
    try:
        parts.port  # noqa: B018 - raises on an invalid port
    except ValueError:
        problems.append("has an invalid port")
    if problems:
        code = "https_required" if problems == ["must use https in production"] else "url_invalid"
        raise Invalid(
            "The webhook URL is not acceptable.", [FieldError("url", "; ".join(problems), code=code)]
        )


def resolve(url: str, *, allow_private: bool) -> Target:
    """Resolve the URL's host and check every address it resolves to; the first one to connect to."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise TargetRefused(f"the host {host!r} cannot be resolved") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise TargetRefused(f"the host {host!r} has no address")
    if not allow_private:
        internal = [a for a in addresses if not is_public(a)]
        if internal:
            raise TargetRefused(
                f"the host {host!r} resolves to a private, loopback or reserved address ({internal[0]})"
            )
    return Target(url=url, scheme=parts.scheme, host=host, port=port, address=addresses[0])


def check_target(url: str, *, allow_private: bool, require_https: bool) -> None:
    """Check a new subscription's URL: form, scheme and (unless allowed) a public address (400)."""
    check_url(url, require_https=require_https)
    try:
        resolve(url, allow_private=allow_private)
    except TargetRefused as exc:
        raise Invalid(
            "The webhook URL is not acceptable.",
            [FieldError("url", f"{exc}; webhooks go to public addresses only", code="target_not_public")],
        ) from exc
