"""Downloads as application/octet-stream for a client that asks for that instead of their own type.

The contract declares every binary response both in its own media type (application/pdf,
application/zip, the evidence's sniffed type) and as application/octet-stream, so that generated
clients get a download method; a client sending `Accept: application/octet-stream` (and not the
download's own type) gets the same bytes with that content type.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

OCTET_STREAM = "application/octet-stream"


def _accepted(accept: str) -> dict[str, float]:
    """Media range -> quality, from an Accept header."""
    ranges: dict[str, float] = {}
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            ranges[media.lower()] = quality
    return ranges


def prefers_octet_stream(accept: str, media_type: str) -> bool:
    """Whether the client asked for application/octet-stream rather than the download's own type."""
    ranges = _accepted(accept)
    return ranges.get(OCTET_STREAM, 0.0) > 0 and ranges.get(media_type.lower(), 0.0) < ranges[OCTET_STREAM]


class OctetStreamMiddleware:
    """Sends an attachment as application/octet-stream when the request's Accept prefers that."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        accept = Headers(scope=scope).get("accept", "") if scope["type"] == "http" else ""
        if OCTET_STREAM not in accept:
            await self.app(scope, receive, send)
            return

        async def negotiated(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in (200, 206):
                headers = MutableHeaders(scope=message)
                media_type = headers.get("content-type", "").split(";")[0].strip()
                attachment = headers.get("content-disposition", "").startswith("attachment")
                binary = not media_type.startswith("text/") and "json" not in media_type
                if attachment and binary and prefers_octet_stream(accept, media_type):
                    headers["Content-Type"] = OCTET_STREAM
            await send(message)

        await self.app(scope, receive, negotiated)
