"""ASGI middleware that times out a slow request body (slowloris): 408 problem+json.

Two limits while the body is read: an idle timeout between chunks, and an overall limit from the
start of the request (longer for evidence uploads). The app then sees the client as gone
(`http.disconnect`), so an upload in progress is aborted and its temporary object removed, and the
connection is closed. Once the body is complete, receive() is passed through untouched (a streamed
download listens on it for the client going away).

Only Starlette is imported: the web UI, which never imports app/, uses the same middleware.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def _timeout_type(scope: Scope) -> str:
    """The absolute URI of the request-timeout problem type (api.problem_types, without importing app/)."""
    settings = getattr(getattr(scope.get("app"), "state", None), "settings", None)
    base = getattr(settings, "public_url", None)
    if not base:
        host = dict(scope.get("headers") or []).get(b"host", b"localhost").decode("latin-1")
        base = f"{scope.get('scheme', 'http')}://{host}"
    return f"{str(base).rstrip('/')}/api/v1/problems/request-timeout"


@dataclass(frozen=True)
class BodyTimeouts:
    """Seconds: idle between body chunks, whole body, whole body of an upload."""

    idle: float = 30.0
    total: float = 120.0
    upload_total: float = 3600.0


class BodyTimeoutMiddleware:
    """Answers 408 when a request body arrives too slowly, and tells the app the client is gone."""

    def __init__(self, app: ASGIApp, *, timeouts: BodyTimeouts, upload_paths: Iterable[str] = ()) -> None:
        self.app = app
        self.timeouts = timeouts
        self.upload_paths = [re.compile(p) for p in upload_paths]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        is_upload = any(p.match(scope["path"]) for p in self.upload_paths)
        deadline = loop.time() + (self.timeouts.upload_total if is_upload else self.timeouts.total)
        body_done = False
        timed_out = False
        started = False

        async def timed_receive() -> Message:
            nonlocal body_done, timed_out
            if timed_out:
                return {"type": "http.disconnect"}
            if body_done:
                return await receive()
            wait = min(self.timeouts.idle, deadline - loop.time())
            try:
                message = await asyncio.wait_for(receive(), timeout=max(wait, 0.0))
            except TimeoutError:
                timed_out = True
                if not started:
                    await self._refuse(scope, send)
                return {"type": "http.disconnect"}
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if timed_out:
                return  # the 408 is the answer; the app's own reply to the "disconnect" is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, timed_receive, guarded_send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        body = json.dumps(
            {
                "type": _timeout_type(scope),
                "title": "Request timeout",
                "status": 408,
                "detail": "The request body arrived too slowly; nothing was kept. Send it again.",
                "instance": scope.get("root_path", "") + scope["path"],
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 408,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
