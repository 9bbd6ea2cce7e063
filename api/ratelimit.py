"""Rate limits: per authenticated caller, and per client address where nobody is authenticated yet.

Authenticated requests count per API client (its static token and its OAuth2 access tokens
together) or per staff session, never per address: the web UI calls the API for every staff user
from one address. Login (`POST /sessions`) and the token endpoint count per client address
(IPv6 per /64). The failed-login throttle (app.auth.throttle) comes on top, unchanged.

Each bucket is a token bucket (GCRA: one number per key): `quota` requests at once, refilled
evenly over `window` seconds. Every response of a limited operation carries the IETF headers
(draft-ietf-httpapi-ratelimit-headers): `RateLimit-Policy: "client";q=3000;w=60` and
`RateLimit: "client";r=2999;t=1` (r: requests left now; t: seconds until the bucket is full
again); a refusal is 429 problem+json with `Retry-After` (seconds until one request fits).

The buckets live in this process's memory: with several API processes each keeps its own, so a
caller spread over N processes by the load balancer may send up to N times the quota. The limits
protect each process from being swamped by one caller; they are not an exact quota.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem_response
from app.auth.actor import Actor
from app.auth.throttle import client_of
from app.errors import TooManyRequests

STATE_KEY = "weerbaar.ratelimit"
# Keys kept at most; past it, full buckets are forgotten first (they are the same as absent).
MAX_KEYS = 100_000


@dataclass(frozen=True)
class Policy:
    """`quota` requests per `window` seconds, under a name the headers show."""

    name: str
    quota: int
    window: int

    @property
    def header(self) -> str:
        """The RateLimit-Policy field value."""
        return f'"{self.name}";q={self.quota};w={self.window}'


@dataclass(frozen=True)
class Decision:
    """The outcome of one request against its bucket."""

    policy: Policy
    allowed: bool
    remaining: int
    reset: int
    retry_after: int

    def headers(self) -> dict[str, str]:
        """RateLimit-Policy and RateLimit, and Retry-After on a refusal."""
        headers = {
            "RateLimit-Policy": self.policy.header,
            "RateLimit": f'"{self.policy.name}";r={self.remaining};t={self.reset}',
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


class Limiter:
    """Token buckets by key, in memory, thread-safe; `clock` is replaceable (tests move time)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, max_keys: int = MAX_KEYS) -> None:
        self.clock = clock
        self.max_keys = max_keys
        self._lock = threading.Lock()
        # Per key the theoretical arrival time (GCRA): when the bucket would be full again.
        self._full_at: dict[str, float] = {}

    def take(self, policy: Policy, key: str) -> Decision:
        """Count one request against the key's bucket under this policy."""
        interval = policy.window / policy.quota
        name = f"{policy.name}\n{key}"
        with self._lock:
            now = self.clock()
            full_at = max(self._full_at.get(name, now), now)
            after = full_at + interval
            allowed_from = after - policy.window
            if now < allowed_from:
                return Decision(
                    policy,
                    allowed=False,
                    remaining=0,
                    reset=math.ceil(full_at - now),
                    retry_after=max(1, math.ceil(allowed_from - now)),
                )
            self._full_at.pop(name, None)
            self._full_at[name] = after  # last in the dict: the most recently used
            if len(self._full_at) > self.max_keys:
                self._forget(now)
        remaining = int((now + policy.window - after) / interval + 1e-9)
        return Decision(
            policy, allowed=True, remaining=remaining, reset=math.ceil(after - now), retry_after=0
        )

    def _forget(self, now: float) -> None:
        for name in [n for n, full_at in self._full_at.items() if full_at <= now]:
            del self._full_at[name]
        while len(self._full_at) > self.max_keys * 3 // 4:  # least recently used first
            del self._full_at[next(iter(self._full_at))]


@dataclass(frozen=True)
class Limits:
    """What the API limits, from the settings; `enabled` False turns all of it off."""

    limiter: Limiter
    client: Policy
    address: Policy
    enabled: bool = True


class RateLimited(TooManyRequests):
    """Too many requests from this caller (429)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Too many requests; try again in {retry_after} seconds (see the RateLimit headers).",
            retry_after,
        )


def caller_key(actor: Actor) -> str:
    """The bucket of an authenticated caller: the API client, or the staff session."""
    if actor.kind == "apiClient":
        return f"client:{actor.client_id}"
    return f"session:{actor.session_id or actor.user_id}"


def check_caller(request: Request, actor: Actor) -> None:
    """Count the request against the caller's bucket (api.deps.get_actor); 429 when it is empty."""
    limits: Limits | None = getattr(request.app.state, "limits", None)
    if limits is None or not limits.enabled:
        return
    decision = limits.limiter.take(limits.client, caller_key(actor))
    request.scope.setdefault("state", {})[STATE_KEY] = decision
    if not decision.allowed:
        raise RateLimited(decision.retry_after)


class RateLimitMiddleware:
    """Counts unauthenticated operations per address; puts every decision's headers on the response."""

    def __init__(self, app: ASGIApp, *, limits: Limits, address_paths: Iterable[str]) -> None:
        self.app = app
        self.limits = limits
        self.address_paths = [re.compile(p) for p in address_paths]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.limits.enabled:
            await self.app(scope, receive, send)
            return
        path = scope["path"].removeprefix(scope.get("root_path", ""))  # within the API's mount
        if scope["method"] == "POST" and any(p.search(path) for p in self.address_paths):
            client = scope.get("client")
            address = client_of(client[0] if client else None)
            # A bucket per operation and address: login and the token endpoint do not share one.
            decision = self.limits.limiter.take(self.limits.address, f"{path}\n{address}")
            scope.setdefault("state", {})[STATE_KEY] = decision
            if not decision.allowed:
                response = problem_response(
                    Request(scope),
                    status=429,
                    title="Too many requests",
                    slug="too-many-requests",
                    detail=f"Too many requests from this address; try again in {decision.retry_after} "
                    "seconds (see the RateLimit headers).",
                    headers=decision.headers(),
                )
                await response(scope, receive, send)
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                decision = scope.get("state", {}).get(STATE_KEY)
                if decision is not None:
                    headers = MutableHeaders(scope=message)
                    for name, value in decision.headers().items():
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


RATE_LIMIT_HEADERS = {
    "RateLimit-Policy": {
        "description": 'The quota policy (draft-ietf-httpapi-ratelimit-headers): `"client";q=3000;w=60` is '
        "3000 requests per 60 seconds for this caller (`address`: per client address).",
        "schema": {"type": "string"},
    },
    "RateLimit": {
        "description": 'What is left of the quota: `"client";r=2999;t=1` is 2999 requests left now and '
        "1 second until the quota is whole again.",
        "schema": {"type": "string"},
    },
}
RETRY_AFTER = {"description": "Seconds to wait before one more request fits.", "schema": {"type": "integer"}}


def document(schema: dict[str, Any], *, address_operations: Iterable[str]) -> None:
    """Declare the headers and the 429 of every limited operation in the contract."""
    components = schema.setdefault("components", {}).setdefault("headers", {})
    components.update(RATE_LIMIT_HEADERS)
    refs = {name: {"$ref": f"#/components/headers/{name}"} for name in RATE_LIMIT_HEADERS}
    by_address = set(address_operations)
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            per_address = operation.get("operationId") in by_address
            if not (operation.get("security") or per_address):
                continue
            responses = operation["responses"]
            # Every answer after the caller is known carries the quota, refusals included.
            for response in responses.values():
                if "$ref" not in response:
                    response.setdefault("headers", {}).update(refs)
            refused = responses.setdefault(
                "429",
                {
                    "content": {
                        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                    }
                },
            )
            refused["description"] = (
                "Too many requests from this client address; see Retry-After and RateLimit."
                if per_address
                else "Too many requests from this caller (API client or staff session); see Retry-After "
                "and RateLimit."
            )
            refused.setdefault("headers", {}).update(
                {
                    "API-Version": {"$ref": "#/components/headers/API-Version"},
                    "Retry-After": RETRY_AFTER,
                    **refs,
                }
            )
