"""The capture's own HTTP client: every request the browser makes is fetched here, from a checked address.

The browser never touches the network. Each of its requests (the page, every redirect, every image,
script and frame) is resolved and checked against the address policy (the webhooks' SSRF rules:
public addresses only unless a setting allows more) and then fetched from exactly the checked
address, so a DNS answer that changes in between cannot steer it elsewhere. The bytes and headers
fetched are the ones archived and the ones handed to the browser.
"""

from __future__ import annotations

import ipaddress
import ssl
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from urllib.parse import urlsplit, urlunsplit

import httpx

from app.capture.models import CaptureReason
from app.config import Settings
from app.db import utcnow
from app.webhook import targets

# Headers of the browser's request that the capture sets itself or that belong to one hop.
_DROPPED_REQUEST = frozenset(
    {"host", "accept-encoding", "connection", "content-length", "keep-alive", "proxy-connection",
     "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"}
)  # fmt: skip


class CaptureFailed(Exception):
    """The capture cannot go on: the reason code and a short technical detail."""

    def __init__(
        self,
        reason: CaptureReason,
        detail: str,
        *,
        http_status: int | None = None,
        final_url: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail[:500]
        self.http_status = http_status
        self.final_url = final_url


@dataclass(frozen=True)
class Policy:
    """Where a capture may go and how much it may fetch."""

    allow_private: bool = False
    allowed_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    max_bytes: int = 100 * 1024**2
    timeout_seconds: float = 60.0
    ca_file: str = ""

    def permits(self, address: str) -> bool:
        """Whether the capture may connect to this address."""
        if self.allow_private or targets.is_public(address):
            return True
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        return any(ip in net for net in self.allowed_networks)


def policy_from(settings: Settings) -> Policy:
    """The capture policy in the settings."""
    networks = tuple(
        ipaddress.ip_network(part.strip(), strict=False)
        for part in settings.capture_allowed_networks.split(",")
        if part.strip()
    )
    return Policy(
        allow_private=settings.capture_allow_private_targets,
        allowed_networks=networks,
        max_bytes=settings.capture_max_bytes,
        timeout_seconds=settings.capture_timeout_seconds,
        ca_file=settings.capture_ca_file,
    )


def url_problems(url: str) -> list[str]:
    """What is wrong with the form of a URL to capture (empty when it is acceptable)."""
    parts = urlsplit(url)
    problems: list[str] = []
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems.append("must be an absolute http(s) URL")
    if parts.username or parts.password:
        problems.append("must not contain credentials")
    try:
        parts.port  # noqa: B018 - raises on an invalid port
    except ValueError:
        problems.append("has an invalid port")
    return problems


@dataclass(frozen=True)
class Target:
    """A checked URL and the address it is fetched from."""

    url: str
    scheme: str
    host: str
    port: int
    address: str


def check(url: str, policy: Policy) -> Target:
    """Resolve the URL's host and check every address (blocking: DNS); CaptureFailed otherwise."""
    problems = url_problems(url)
    if problems:
        raise CaptureFailed(CaptureReason.address_refused, f"{url[:200]}: {'; '.join(problems)}")
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = targets.lookup(host, port)
    except targets.TargetRefused as exc:
        raise CaptureFailed(CaptureReason.dns_failed, str(exc)) from exc
    refused = [a for a in addresses if not policy.permits(a)]
    if refused:
        raise CaptureFailed(
            CaptureReason.address_refused,
            f"the host {host!r} resolves to a private, loopback or reserved address ({refused[0]})",
        )
    return Target(url=url, scheme=parts.scheme, host=host, port=port, address=addresses[0])


@dataclass
class Exchange:
    """One request and its response, as fetched."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int
    reason: str
    http_version: str
    response_headers: list[tuple[str, str]]
    body: bytes  # as received (after de-chunking, before content decoding)
    address: str
    at: datetime
    duration_ms: int = 0

    def header(self, name: str) -> str | None:
        """The first response header of this name."""
        return next((v for k, v in self.response_headers if k.lower() == name), None)

    def decoded(self) -> bytes:
        """The body as the browser wants it: gzip and deflate undone (identity is asked for)."""
        encoding = (self.header("content-encoding") or "").strip().lower()
        if encoding in ("gzip", "x-gzip"):
            return zlib.decompress(self.body, 16 + zlib.MAX_WBITS)
        if encoding == "deflate":
            try:
                return zlib.decompress(self.body)
            except zlib.error:
                return zlib.decompress(self.body, -zlib.MAX_WBITS)
        return self.body


@cache
def _tls_context(ca_file: str) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


def _failure(exc: Exception, url: str) -> CaptureFailed:
    """The reason code for a failed fetch."""
    text = f"{type(exc).__name__}: {exc}"
    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(chain) < 6:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpx.TimeoutException):
        return CaptureFailed(CaptureReason.timeout, f"{url[:200]}: {text}")
    if any(isinstance(c, ssl.SSLError) for c in chain) or "CERTIFICATE" in text or "SSL" in text:
        return CaptureFailed(CaptureReason.tls_failed, f"{url[:200]}: {text}")
    return CaptureFailed(CaptureReason.connection_failed, f"{url[:200]}: {text}")


@dataclass
class Fetcher:
    """Fetches for one capture: one client per host (so TLS names never mix), a byte budget and a
    deadline shared by all requests."""

    policy: Policy
    deadline: float  # time.monotonic()
    fetched_bytes: int = 0
    _clients: dict[tuple[str, str, int, str], httpx.AsyncClient] = field(default_factory=dict)

    def remaining(self) -> float:
        """Seconds left for the whole capture."""
        return self.deadline - time.monotonic()

    def _client(self, target: Target) -> httpx.AsyncClient:
        key = (target.scheme, target.host, target.port, target.address)
        if key not in self._clients:
            self._clients[key] = httpx.AsyncClient(
                follow_redirects=False, trust_env=False, verify=_tls_context(self.policy.ca_file)
            )
        return self._clients[key]

    async def fetch(
        self, target: Target, *, method: str, headers: dict[str, str], body: bytes | None
    ) -> Exchange:
        """One request to the checked address (Host and TLS SNI name the real host)."""
        parts = urlsplit(target.url)
        literal = f"[{target.address}]" if ":" in target.address else target.address
        pinned = urlunsplit((parts.scheme, f"{literal}:{target.port}", parts.path or "/", parts.query, ""))
        default_port = 443 if target.scheme == "https" else 80
        host = target.host if target.port == default_port else f"{target.host}:{target.port}"
        sent = {
            k: v for k, v in headers.items() if k.lower() not in _DROPPED_REQUEST and not k.startswith(":")
        }
        sent["host"] = host
        sent["accept-encoding"] = "identity"
        remaining = self.remaining()
        if remaining <= 0:
            raise CaptureFailed(CaptureReason.timeout, "the capture ran out of time")
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        started, at = time.monotonic(), utcnow()
        chunks: list[bytes] = []
        try:
            request = self._client(target).build_request(
                method, pinned, headers=sent, content=body or None, extensions=extensions,
                timeout=httpx.Timeout(min(remaining, 30.0)),
            )  # fmt: skip
            response = await self._client(target).send(request, stream=True)
            try:
                async for chunk in response.aiter_raw():
                    self.fetched_bytes += len(chunk)
                    if self.fetched_bytes > self.policy.max_bytes:
                        raise CaptureFailed(
                            CaptureReason.too_large,
                            f"the page and its resources exceed {self.policy.max_bytes} bytes",
                        )
                    if time.monotonic() > self.deadline:
                        raise CaptureFailed(CaptureReason.timeout, f"{target.url[:200]}: still loading")
                    chunks.append(chunk)
            finally:
                await response.aclose()
        except CaptureFailed:
            raise
        except (httpx.HTTPError, OSError, ssl.SSLError) as exc:
            raise _failure(exc, target.url) from exc
        raw_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw]
        return Exchange(
            url=target.url,
            method=method,
            request_headers=list(sent.items()),
            request_body=body or b"",
            status=response.status_code,
            reason=response.reason_phrase,
            http_version=response.http_version,
            response_headers=raw_headers,
            body=b"".join(chunks),
            address=target.address,
            at=at,
            duration_ms=int((time.monotonic() - started) * 1000),
        )

    async def aclose(self) -> None:
        """Close every connection."""
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()
