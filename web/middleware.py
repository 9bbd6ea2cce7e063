"""Per request: decode the session cookie, pick the language, and set cookies and security headers."""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.i18n import LOCALES, language, negotiate, set_time_zone
from web.session import MAX_AGE_SECONDS, SessionCodec, WebSession, cookie_name, is_https

COOKIE = "weerbaar"
# No inline script or style anywhere: htmx and the upload helper are files under /static.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class WebSessionMiddleware:
    """Keeps the encrypted session cookie; writes it back only when the session changed."""

    def __init__(self, app: ASGIApp, *, codec: SessionCodec) -> None:
        self.app = app
        self.codec = codec

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        name = cookie_name(conn, COOKIE)
        raw = conn.cookies.get(name)
        session = self.codec.loads(raw) or WebSession()
        before = session.model_dump_json()
        # The switch used in this session wins, then the user's stored preference, then the
        # browser's preference for Dutch or Danish, then the organisation's language, then Dutch.
        code = (
            session_language(session)
            or user_language(session)
            or browser_language(conn.headers.get("accept-language"))
            or organisation_language(session)
            or "nl"
        )
        scope.setdefault("state", {})
        scope["state"]["web_session"] = session
        zone = session.user.time_zone if session.user else None
        scope["state"]["language"] = language(code, zone)
        set_time_zone(zone)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in HEADERS.items():
                    if key not in headers:
                        headers[key] = value
                if is_https(conn):
                    headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
                if "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
                if raw is None or session.model_dump_json() != before:
                    headers.append("Set-Cookie", self._cookie(name, self.codec.dumps(session), conn))
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    @staticmethod
    def _cookie(name: str, value: str, conn: HTTPConnection) -> str:
        cookie: SimpleCookie = SimpleCookie()
        cookie[name] = value
        morsel = cookie[name]
        morsel["path"] = "/"
        morsel["httponly"] = True
        morsel["samesite"] = "Strict"
        morsel["max-age"] = str(MAX_AGE_SECONDS)
        if is_https(conn):
            morsel["secure"] = True
        return morsel.OutputString()


def session_language(session: WebSession) -> str | None:
    """The language the user chose with the switch, if any."""
    return session.language if session.language in LOCALES else None


def user_language(session: WebSession) -> str | None:
    """The logged-in user's stored language preference, if any."""
    locale = session.user.locale if session.user else None
    return locale if locale in LOCALES else None


def organisation_language(session: WebSession) -> str | None:
    """The language of the logged-in user's organisation (Danish for a Danish municipality)."""
    locale = session.user.organisation_locale if session.user else None
    return locale if locale in LOCALES else None


def browser_language(accept_language: str | None) -> str | None:
    """Dutch or Danish if the browser prefers one; English only by choice, never by the browser.

    The UI is Dutch by default: an English-speaking browser alone does not make it English.
    """
    parts = [p for p in (accept_language or "").split(",") if not p.strip().lower().startswith("en")]
    return negotiate(",".join(parts))
