"""Request dependencies of the UI: the browser session, its language, the API as this user."""

from __future__ import annotations

from typing import Annotated

import httpx
from fastapi import Depends, Request

from web.client import Api, ApiError
from web.i18n import Language
from web.session import WebSession, tokens_match

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class LoginRequired(Exception):
    """No valid login: the user goes to the login page (and comes back afterwards)."""


class PasswordChangeRequired(Exception):
    """An administrator reset the password: the user must choose a new one before anything else."""


def _check_password_change(request: Request, session: WebSession) -> None:
    if session.user and session.user.must_change_password and not request.url.path.startswith("/account"):
        raise PasswordChangeRequired


class CsrfRejected(Exception):
    """The form's security token is missing or does not match the session's."""


class BodyTooLarge(Exception):
    """The request body is over the limit; refused before anything is read or stored."""

    def __init__(self, limit: int) -> None:
        self.limit = limit


# One form post carries at most this many full-size files (the report form's screenshots).
FILES_PER_POST = 5


def get_session(request: Request) -> WebSession:
    """The browser session the middleware decoded from the cookie."""
    session: WebSession = request.state.web_session
    return session


def get_language(request: Request) -> Language:
    """The language of this request."""
    lang: Language = request.state.language
    return lang


Session = Annotated[WebSession, Depends(get_session)]
Lang = Annotated[Language, Depends(get_language)]


async def verify_csrf(request: Request) -> None:
    """Every state-changing request carries the session's CSRF token (header or form field)."""
    if request.method not in UNSAFE_METHODS:
        return
    limit = request.app.state.max_upload_bytes * FILES_PER_POST + 1024 * 1024
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise BodyTooLarge(limit)
    session = get_session(request)
    given = request.headers.get("X-CSRF-Token")
    if given is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get("csrf_token")
            given = value if isinstance(value, str) else None
    if not tokens_match(session.csrf, given):
        raise CsrfRejected


def api_http(request: Request) -> httpx.AsyncClient:
    """The web app's shared connections to the API."""
    state = request.app.state
    client: httpx.AsyncClient = state.api_connections.client(
        state.api_url, state.transport, getattr(state, "in_process_api", None)
    )
    return client


async def anonymous_api(request: Request) -> Api:
    """The API without a token (for logging in)."""
    return Api(api_http(request), language=get_language(request).code)


async def user_api(request: Request) -> Api:
    """The API as the logged-in user; without a valid login, off to the login page."""
    session = get_session(request)
    if not session.logged_in:
        if session.token:
            session.end(expired=True)
        raise LoginRequired
    _check_password_change(request, session)
    api = Api(api_http(request), token=session.token, language=get_language(request).code)
    if _renders_page(request):
        request.state.unread_count = await unread_count(api)
    return api


def _renders_page(request: Request) -> bool:
    """A whole page (with the header's unread count) rather than a fragment, a post or a badge."""
    headers = request.headers
    fragment = (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    )
    return request.method == "GET" and not fragment and not request.url.path.startswith("/notifications")


async def unread_count(api: Api) -> int | None:
    """The header's unread count; None when the API cannot tell now (the page shows without it)."""
    try:
        return await api.unread_count()
    except ApiError:
        return None


def require_login(request: Request) -> WebSession:
    """The session of a logged-in user (for pages that show a form before calling the API)."""
    session = get_session(request)
    if not session.logged_in:
        raise LoginRequired
    _check_password_change(request, session)
    return session


AnonymousApi = Annotated[Api, Depends(anonymous_api)]
LoggedIn = Annotated[WebSession, Depends(require_login)]
UserApi = Annotated[Api, Depends(user_api)]
