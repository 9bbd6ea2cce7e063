"""The staff web UI: FastAPI + Jinja2 + htmx. It talks to the API over HTTP only (web/client.py)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path
from urllib.parse import quote

import httpx
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import Response
from jinja2_fragments.fastapi import Jinja2Blocks
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from web import htmx
from web.assets import Assets
from web.client import ApiConnections, ApiError
from web.deps import (
    BodyTooLarge,
    CsrfRejected,
    LoginRequired,
    PasswordChangeRequired,
    get_language,
    get_session,
    verify_csrf,
)
from web.errors import describe
from web.middleware import WebSessionMiddleware
from web.routes import (
    account,
    actions,
    admin,
    audit,
    auth,
    captures,
    casework,
    dashboard,
    evidence,
    exports,
    incidents,
    integrations,
    legal,
    notifications,
    perpetrators,
    preparedness,
    privacy,
    proceedings,
    recording_permissions,
    spread,
    takedowns,
)
from web.session import SessionCodec
from web.vocabulary import VOCABULARIES

log = logging.getLogger("weerbaar.web")
TEMPLATES = Path(__file__).parent / "templates"
# Evidence uploads through the UI get the longer body timeout.
WEB_UPLOAD_PATHS = (r"^/incidents/[^/]+/evidence$",)


@cache
def _shared() -> tuple[tuple[BaseRoute, ...], Jinja2Blocks]:
    """The pages and the templates, built once per process and shared by every web app it creates.

    FastAPI builds an included router's pages at the first request of each app that includes it,
    and a template environment compiles each template once: an app of its own per test paid both
    every time. Nothing in them belongs to one app (its API address and connections are read from
    request.app.state at each request); the static files are hashed once per process.
    """
    assets = Assets()
    templates = Jinja2Blocks(directory=str(TEMPLATES))
    templates.env.globals["static_url"] = assets.url
    templates.env.globals["vocab"] = VOCABULARIES
    templates.env.filters["zip_self"] = lambda values: [(v, v) for v in values]
    router = APIRouter(dependencies=[Depends(verify_csrf)])
    router.include_router(assets.router())
    for module in (
        auth,
        account,
        dashboard,
        incidents,
        perpetrators,
        evidence,
        captures,
        actions,
        casework,
        privacy,
        proceedings,
        takedowns,
        spread,
        preparedness,
        exports,
        recording_permissions,
        admin,
        integrations,
        legal,
        audit,
        notifications,
    ):
        router.include_router(module.router)
    return tuple(router.routes), templates


def create_web(
    api_url: str,
    *,
    secret_key: str,
    max_upload_bytes: int = 2 * 1024**3,
    transport: httpx.AsyncBaseTransport | None = None,
    middleware: Sequence[Middleware] = (),
) -> FastAPI:
    """The web UI application, consuming the API at api_url; secret_key encrypts its cookie.

    middleware wraps it when it is served on its own (the body timeouts); mounted in the API
    application, the API's middleware covers it.
    """
    connections = ApiConnections()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Served on its own; mounted in the API application, that application's lifespan closes them.
        yield
        await connections.aclose()

    web = FastAPI(
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        redirect_slashes=False,
    )
    pages, templates = _shared()
    web.state.api_url = api_url
    web.state.transport = transport
    web.state.api_connections = connections
    web.state.templates = templates
    web.state.max_upload_bytes = max_upload_bytes
    web.router.routes.extend(pages)
    _install_error_pages(web)
    web.add_middleware(WebSessionMiddleware, codec=SessionCodec(secret_key))
    for item in middleware:
        web.add_middleware(item.cls, *item.args, **item.kwargs)

    return web


def _message(request: Request, text: str, *, status_code: int, title: str | None = None) -> Response:
    """An error as an out-of-band message for htmx (the page and its form stay) or as a page."""
    lang = get_language(request)
    context = {"message": text, "title": title or lang.gettext("Something went wrong")}
    if htmx.is_htmx(request) or request.headers.get("HX-Request") == "true":
        return htmx.oob_only(request, "messages_oob.html", context, status_code=status_code)
    return htmx.render(request, "error.html", context, status_code=status_code)


def _install_error_pages(web: FastAPI) -> None:
    @web.exception_handler(LoginRequired)
    async def _login(request: Request, _exc: LoginRequired) -> Response:
        target = request.url.path if request.method == "GET" and not htmx.is_htmx(request) else "/"
        url = f"/login?next={quote(target)}" if target != "/" else "/login"
        return htmx.redirect(request, url)

    @web.exception_handler(PasswordChangeRequired)
    async def _password_change(request: Request, _exc: PasswordChangeRequired) -> Response:
        return htmx.redirect(request, "/account/password")

    @web.exception_handler(CsrfRejected)
    async def _csrf(request: Request, _exc: CsrfRejected) -> Response:
        lang = get_language(request)
        text = lang.gettext(
            "This form could not be verified (its security token is missing or out of date). "
            "Nothing was saved. Reload the page and send the form again."
        )
        return _message(request, text, status_code=403, title=lang.gettext("Not sent"))

    @web.exception_handler(BodyTooLarge)
    async def _too_large(request: Request, exc: BodyTooLarge) -> Response:
        lang = get_language(request)
        text = lang.gettext(
            "Too much at once: the files together are larger than %(limit)s. Nothing was saved; "
            "send fewer or smaller files.",
            limit=lang.filesize(exc.limit),
        )
        return _message(request, text, status_code=413, title=lang.gettext("Not sent"))

    @web.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        lang = get_language(request)
        if exc.status == 401:
            get_session(request).end(expired=True)
            return await _login(request, LoginRequired())
        return _message(request, describe(lang.gettext, exc), status_code=exc.status)

    @web.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        lang = get_language(request)
        text = lang.gettext("This page does not exist.") if exc.status_code == 404 else str(exc.detail)
        return _message(request, text, status_code=exc.status_code)

    @web.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        text = get_language(request).gettext("An unexpected error occurred; it has been logged.")
        return _message(request, text, status_code=500)


__all__ = ["create_web"]
