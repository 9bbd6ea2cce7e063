"""Idempotency-Key on POST (IETF draft httpapi-idempotency-key-header), once for every route.

The caller is authenticated first: without valid credentials the request goes on untouched and
the route answers 401 before a byte of the body is read (an anonymous client cannot make the
server spool 2 GiB). Then the body is spooled (memory, then a temporary file) and hashed as it
arrives, so uploads work too. The key is claimed before the route runs and the route's response
is stored after it has been sent; a retry with the same key and body gets that response again
(with `Idempotent-Replayed: true`); another body under the same key, or a retry while the first
is still running, gets a 409 problem. A 5xx or a crash releases the key, so the retry runs again.
"""

from __future__ import annotations

import hashlib
import tempfile
from datetime import timedelta
from typing import Any

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem_response
from app.auth import service as auth
from app.db import session_scope
from app.errors import DomainError
from app.idempotency import service as keys

HEADER = "Idempotency-Key"
SPOOL_IN_MEMORY = 1_048_576
CHUNK = 65_536


class IdempotencyMiddleware:
    """Makes every authenticated POST that carries an Idempotency-Key safe to retry."""

    def __init__(self, app: ASGIApp, *, policy: keys.Policy | None = None) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        raw_key = headers.get(HEADER.lower())
        if raw_key is None:
            await self.app(scope, receive, send)
            return
        key = keys.parse_key(raw_key)
        if key is None:
            await self._problem(
                scope,
                send,
                400,
                "The Idempotency-Key header must be 1 to 255 printable ASCII characters.",
                "invalid-input",
            )
            return
        state = scope["app"].state
        who = await run_in_threadpool(_authenticated, state, headers)
        if who is None:
            await self.app(scope, receive, send)  # the route answers 401 without reading the body
            return
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 - closed below
        try:
            digest = await _spool_body(receive, spool, multipart_boundary(headers.get("content-type")))
            if digest is None:
                return  # the client went away, or the body guard already answered 413
            query = scope.get("query_string", b"").decode("latin-1")
            outcome = await run_in_threadpool(
                keys.begin,
                state.engine,
                identify=lambda _session: who,
                key=key,
                method="POST",
                path=scope["path"] + (f"?{query}" if query else ""),
                print_=keys.fingerprint(digest, headers.get("content-type")),
                policy=self.policy or _policy(state),
                secret_key=state.secret_key,
            )
            if outcome is None:
                await self._run(scope, spool, receive, send, None, state)  # the route answers 401
            elif isinstance(outcome, keys.Replay):
                await _replay(outcome, send)
            elif isinstance(outcome, keys.Mismatch):
                await self._problem(
                    scope,
                    send,
                    409,
                    "This Idempotency-Key was used for a different request (another body, method or "
                    "path); use a new key for a new request.",
                    "idempotency-key-reused",
                )
            elif isinstance(outcome, keys.InProgress):
                await self._problem(
                    scope,
                    send,
                    409,
                    "The first request with this Idempotency-Key is still being processed; retry later.",
                    "idempotency-key-in-progress",
                    {"Retry-After": "1"},
                )
            else:
                await self._run(scope, spool, receive, send, outcome.key_id, state)
        finally:
            spool.close()

    async def _run(
        self, scope: Scope, spool: Any, receive: Receive, send: Send, key_id: Any, state: Any
    ) -> None:
        spool.seek(0)
        status = 0
        response_headers: list[tuple[str, str]] = []
        body = bytearray()
        too_big = False
        settled = False
        body_done = False

        async def replay_receive() -> Message:
            nonlocal body_done
            if body_done:
                return await receive()  # after the body: wait for the client to go away
            chunk = spool.read(CHUNK)
            body_done = len(chunk) < CHUNK
            return {"type": "http.request", "body": chunk, "more_body": not body_done}

        async def settle(keep: bool) -> None:
            nonlocal settled
            settled = True
            if keep:
                await run_in_threadpool(
                    keys.complete,
                    state.engine,
                    key_id=key_id,
                    status=status,
                    headers=response_headers,
                    body=bytes(body),
                    secret_key=state.secret_key,
                )
            else:
                await run_in_threadpool(keys.release, state.engine, key_id=key_id)

        async def capture(message: Message) -> None:
            nonlocal status, too_big
            if message["type"] == "http.response.start":
                status = message["status"]
                response_headers.extend(
                    (n.decode("latin-1"), v.decode("latin-1")) for n, v in message.get("headers", [])
                )
            elif message["type"] == "http.response.body":
                if not too_big:
                    body.extend(message.get("body", b""))
                    too_big = len(body) > keys.MAX_STORED_BODY
                if not message.get("more_body", False):
                    # Stored before the last byte goes out: a retry right after never sees "in progress".
                    await settle(keep=status < 500 and status != 429 and not too_big)
            await send(message)

        if key_id is None:
            await self.app(scope, replay_receive, send)
            return
        try:
            await self.app(scope, replay_receive, capture)
        finally:
            if not settled:
                await settle(keep=False)

    @staticmethod
    async def _problem(
        scope: Scope,
        send: Send,
        status: int,
        detail: str,
        slug: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        title = "Invalid input" if status == 400 else "Conflict"
        response = problem_response(
            Request(scope), status=status, detail=detail, title=title, slug=slug, headers=headers
        )

        async def no_body() -> Message:
            return {"type": "http.disconnect"}

        await response(scope, no_body, send)


def _policy(state: Any) -> keys.Policy:
    settings = state.settings
    return keys.Policy(ttl=timedelta(hours=settings.idempotency_key_ttl_hours))


def _authenticated(state: Any, headers: Headers) -> tuple[Any, str] | None:
    """(organisation id, caller) of the bearer token, in a transaction of its own."""
    with session_scope(state.engine) as session:
        return _identify(session, state, headers)


def _identify(session: Session, state: Any, headers: Headers) -> tuple[Any, str] | None:
    """(organisation id, caller) of the bearer token, or None when it is not valid."""
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        actor = auth.authenticate(session, token=token.strip(), key=state.secret_key, origin=None)
    except DomainError:
        return None
    return actor.organisation_id, keys.caller_of(actor)


class BoundaryBlindHash:
    """SHA-256 of a body in which the multipart boundary is replaced by a fixed marker.

    A client that retries an upload builds the same parts with a new random boundary; the
    retry is the same request, so the boundary must not change the fingerprint.
    """

    MARKER = b"\x00boundary\x00"

    def __init__(self, boundary: bytes | None) -> None:
        self.sha = hashlib.sha256()
        self.boundary = boundary
        self.tail = b""

    def update(self, chunk: bytes) -> None:
        if not self.boundary:
            self.sha.update(chunk)
            return
        data, start = self.tail + chunk, 0
        while (found := data.find(self.boundary, start)) != -1:
            self.sha.update(data[start:found])
            self.sha.update(self.MARKER)
            start = found + len(self.boundary)
        rest, keep = data[start:], len(self.boundary) - 1
        # The last bytes may be the start of a boundary that the next chunk completes.
        if len(rest) > keep:
            self.sha.update(rest[: len(rest) - keep])
            rest = rest[len(rest) - keep :]
        self.tail = rest

    def hexdigest(self) -> str:
        self.sha.update(self.tail)
        self.tail = b""
        return self.sha.hexdigest()


def multipart_boundary(content_type: str | None) -> bytes | None:
    """The boundary of a multipart/form-data body, if that is what it is."""
    media, _, params = (content_type or "").partition(";")
    if media.strip().lower() != "multipart/form-data":
        return None
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.lower() == "boundary" and value.strip('"'):
            return value.strip('"').encode("latin-1")
    return None


async def _spool_body(receive: Receive, spool: Any, boundary: bytes | None) -> str | None:
    """Read the whole body into the spool; its fingerprint hash, or None if the client left."""
    sha = BoundaryBlindHash(boundary)
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        if chunk:
            sha.update(chunk)
            await run_in_threadpool(spool.write, chunk)
        if not message.get("more_body", False):
            return sha.hexdigest()


async def _replay(outcome: keys.Replay, send: Send) -> None:
    headers = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in outcome.headers]
    headers.append((b"content-length", str(len(outcome.body)).encode()))
    headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": outcome.status, "headers": headers})
    await send({"type": "http.response.body", "body": outcome.body, "more_body": False})
