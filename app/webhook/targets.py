"""Where webhooks may go: no private, loopback or otherwise internal addresses (SSRF), https in production.

The host is checked when the subscription is made and resolved again before every delivery; the
delivery then connects to exactly the address that was checked, so a DNS answer that changes in
between (DNS rebinding) cannot steer it to an internal address.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


# IPv6 ranges that carry an IPv4 address in their last 32 bits (RFC 4291 compatible and mapped,
# RFC 2765 translated, RFC 6052 NAT64 well-known prefix): a gateway or the host's own stack may
# turn them into a connection to that IPv4 address, so it must pass the same check.
_LAST_32_BITS = tuple(
    ipaddress.IPv6Network(net) for net in ("::/96", "::ffff:0:0/96", "::ffff:0:0:0/96", "64:ff9b::/96")
)
# Transition ranges whose embedded address cannot be checked reliably: never a webhook target.
_NEVER = tuple(ipaddress.IPv6Network(net) for net in ("64:ff9b:1::/48",))


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 transition address leads to (6to4, Teredo, NAT64, mapped ...)."""
    found: list[ipaddress.IPv4Address] = []
    if any(ip in net for net in _LAST_32_BITS):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)  # (server, client); the client address is de-obfuscated
    return found


def _is_public_v4(ip: ipaddress.IPv4Address) -> bool:
    return bool(ip.is_global) and not ip.is_multicast


def is_public(address: str) -> bool:
    """Whether an IP address is globally routable (not private, loopback, link-local, reserved ...).

    An IPv6 address that embeds an IPv4 address is public only when that IPv4 address is, too.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv4Address):
        return _is_public_v4(ip)
    if any(ip in net for net in _NEVER):
        return False
    embedded = embedded_ipv4(ip)
    if embedded:
        # Mapped and compatible forms count as the IPv4 address itself (Python calls ::ffff:0:0/96
        # not global); the other forms must be global IPv6 addresses as well.
        plain = ip.ipv4_mapped is not None or ip in _LAST_32_BITS[0]
        return all(_is_public_v4(v4) for v4 in embedded) and (
            plain or (bool(ip.is_global) and not ip.is_multicast)
        )
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


Resolver = Callable[[str, int], list[str]]
"""A host name and port to the addresses to connect to; raises socket.gaierror when there are none."""


def system_resolver(host: str, port: int) -> list[str]:
    """The operating system's answer (DNS, hosts file)."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


_resolver: Resolver = system_resolver


@contextmanager
def resolving_with(resolver: Resolver) -> Iterator[None]:
    """Resolve webhook hosts with `resolver` meanwhile (tests: so that no fuzzed host is looked up)."""
    global _resolver  # one resolver per process, swapped back afterwards
    previous, _resolver = _resolver, resolver
    try:
        yield
    finally:
        _resolver = previous


def lookup(host: str, port: int) -> list[str]:
    """Every address the host resolves to, with the resolver in force (also for web captures)."""
    try:
        found = _resolver(host, port)
    except (socket.gaierror, UnicodeError) as exc:
        raise TargetRefused(f"the host {host!r} cannot be resolved") from exc
    addresses = list(dict.fromkeys(found))
    if not addresses:
        raise TargetRefused(f"the host {host!r} has no address")
    return addresses


def resolve(url: str, *, allow_private: bool) -> Target:
    """Resolve the URL's host and check every address it resolves to; the first one to connect to."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = lookup(host, port)
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
