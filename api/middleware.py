"""ASGI middleware: version and security headers, body size limits, content types."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem_response
from app import API_VERSION

JSON_TYPES = ("application/json", "application/merge-patch+json", "application/problem+json")


def security_headers(production: bool) -> dict[str, str]:
    """Headers every API response carries."""
    headers = {
        "API-Version": API_VERSION,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
    if production:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return headers


class ApiHeadersMiddleware:
    """Adds the version and security headers, and no-store caching, to every API response."""

    def __init__(self, app: ASGIApp, *, production: bool) -> None:
        self.app = app
        self.headers = security_headers(production)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers[name] = value
                if "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RequestGuardMiddleware:
    """Refuses unsupported content types (415) and bodies over the limit (413) before parsing."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        json_limit: int,
        upload_limit: int,
        upload_paths: Iterable[str],
        form_paths: Iterable[str] = (),
    ) -> None:
        self.app = app
        self.json_limit = json_limit
        self.upload_limit = upload_limit
        self.upload_paths = [re.compile(p) for p in upload_paths]
        # Operations that take application/x-www-form-urlencoded (the OAuth2 token endpoint).
        self.form_paths = [re.compile(p) for p in form_paths]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        is_upload = any(p.match(scope["path"]) for p in self.upload_paths)
        limit = self.upload_limit if is_upload else self.json_limit
        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        length = headers.get("content-length")
        has_body = (length not in (None, "0")) or "transfer-encoding" in headers
        allowed = ("multipart/form-data",) if is_upload else JSON_TYPES
        if any(p.match(scope["path"]) for p in self.form_paths):
            allowed = ("application/x-www-form-urlencoded",)
        if has_body and media_type not in allowed:
            await self._refuse(
                scope,
                send,
                415,
                f"Send the body as {' or '.join(allowed)}; {media_type or 'no content type'} "
                "is not supported here.",
            )
            return
        if length is not None and length.isdigit() and int(length) > limit:
            await self._refuse(scope, send, 413, f"The body is larger than {limit} bytes.")
            return
        await self._guarded(scope, receive, send, limit)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Count body bytes as they arrive; past the limit answer 413 and stop the app's reading."""
        received = 0
        refused = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    await self._refuse(scope, send, 413, f"The body is larger than {limit} bytes.")
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:
                await send(message)

        await self.app(scope, limited_receive, guarded_send)

    @staticmethod
    async def _refuse(scope: Scope, send: Send, status: int, detail: str) -> None:
        request = Request(scope)
        response = problem_response(request, status=status, detail=detail)

        async def no_body() -> dict[str, Any]:
            return {"type": "http.disconnect"}

        await response(scope, no_body, send)
