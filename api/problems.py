"""RFC 9457 problem details: one shape for every 4xx and 5xx the API returns."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.problem_types import slug_for_status, type_uri
from app.errors import DomainError, FieldError

log = logging.getLogger("weerbaar.api")

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_EXAMPLE = "https://weerbaar.example/api/v1/problems/invalid-input"


class ProblemFieldError(BaseModel):
    """One invalid input."""

    location: str = Field(
        alias="in",
        description="Where the input was: body, query, path or header.",
        examples=["body"],
    )
    name: str = Field(description="The field, as a path for nested body fields.", examples=["title"])
    code: str = Field(description="A stable machine-readable code.", examples=["missing"])
    detail: str = Field(description="What is wrong, for people.", examples=["Field required"])

    model_config = {"populate_by_name": True}


class Problem(BaseModel):
    """An error (RFC 9457)."""

    type: str = Field(
        description="An absolute URI of the problem type; it resolves to a page describing it "
        "(`/api/v1/problems/{slug}`, HTML or, with `Accept: application/json`, JSON).",
        examples=[TYPE_EXAMPLE],
    )
    title: str = Field(examples=["Invalid input"])
    status: int = Field(examples=[400])
    detail: str = Field(examples=["The request has 2 invalid fields."])
    instance: str = Field(examples=["/api/v1/incidents"])
    errors: list[ProblemFieldError] | None = None


def problem_response(
    request: Request,
    *,
    status: int,
    detail: str,
    title: str | None = None,
    slug: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response for this request."""
    body: dict[str, Any] = {
        "type": type_uri(request, slug or slug_for_status(status)),
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = [
            {"in": e.location, "name": e.field, "code": e.code, "detail": e.detail} for e in errors
        ]
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _loc_name(loc: tuple[Any, ...]) -> tuple[str, str]:
    where = str(loc[0]) if loc else "body"
    parts = [str(p) for p in loc[1:]]
    if where not in ("body", "query", "path", "header", "cookie"):
        return "body", "/".join(str(p) for p in loc)
    return where, "/".join(parts) or where


def _validation_errors(exc: RequestValidationError) -> list[FieldError]:
    found = []
    for err in exc.errors():
        where, name = _loc_name(tuple(err.get("loc", ())))
        code = str(err.get("type", "invalid"))
        message = str(err.get("msg", "invalid"))
        if code == "json_invalid":
            name, message = "body", "The body is not valid JSON."
        elif code == "extra_forbidden":
            message = "Unknown field."
        found.append(FieldError(field=name, detail=message, code=code, location=where))
    return found


# Seconds a client waits before trying again: a busy server (pool, SQLite write lock) frees up
# in a moment; a database that went away (restart, failover) takes longer.
RETRY_BUSY_SECONDS = 1
RETRY_DOWN_SECONDS = 5


def busy(request: Request) -> JSONResponse:
    """503: no database connection or write lock could be had in time; retry shortly."""
    return problem_response(
        request,
        status=503,
        detail="The server is busy; try again in a moment.",
        title="Service unavailable",
        slug="unavailable",
        headers={"Retry-After": str(RETRY_BUSY_SECONDS)},
    )


def database_unavailable(request: Request, exc: DBAPIError) -> JSONResponse:
    """503 for a database that is locked (SQLite), restarting or unreachable; never a 500."""
    reason = str(exc.orig) if exc.orig is not None else str(exc)
    if "database is locked" in reason or "database table is locked" in reason:
        log.warning("SQLite write lock not free within the busy timeout on %s", request.url.path)
        return busy(request)
    log.error("database unavailable: %s", type(exc.orig).__name__ if exc.orig else type(exc).__name__)
    return problem_response(
        request,
        status=503,
        detail="The database is not reachable; try again later.",
        title="Service unavailable",
        slug="unavailable",
        headers={"Retry-After": str(RETRY_DOWN_SECONDS)},
    )


def unexpected(request: Request, exc: Exception) -> JSONResponse:
    """500 for a bug: logged with its traceback, nothing of it shown to the client."""
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(request, status=500, detail="An unexpected error occurred; it has been logged.")


METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _flat_routes(routes: Any) -> Any:
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _flat_routes(included.routes)
        else:
            yield route


def allowed_methods(request: Request) -> list[str]:
    """Every method of the path, over all its routes (FastAPI has one route per method)."""
    path, root = request.scope["path"], request.scope.get("root_path", "")
    path = path[len(root) :] if root and path.startswith(root) else path  # within the mounted API
    matching = [
        route
        for route in _flat_routes(getattr(request.scope.get("app"), "routes", []))
        if getattr(route, "methods", None)
        and getattr(route, "include_in_schema", True)  # not a route that only answers 405
        and getattr(route, "path_regex", None)
        and route.path_regex.match(path)
    ]
    # /notifications/read-all, not /notifications/{notificationId}: the literal path is the resource.
    literal = max((route.path.count("/") - route.path.count("{") for route in matching), default=0)
    methods = {m for r in matching if r.path.count("/") - r.path.count("{") == literal for m in r.methods}
    return sorted(methods, key=lambda m: (*METHOD_ORDER, m).index(m))


def install(app: FastAPI) -> None:
    """Map every error to problem+json: domain errors, validation, HTTP errors, the unexpected."""

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        headers = {}
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        if exc.status == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="weerbaar"'
        return problem_response(
            request,
            status=exc.status,
            detail=exc.detail,
            title=exc.title,
            slug=exc.slug,
            errors=exc.errors,
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        return problem_response(
            request,
            status=400,
            detail=f"The request has {len(errors)} invalid field(s); see errors.",
            title="Invalid input",
            slug="invalid-input",
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 304:  # api.sync.NotModified: the ETag again, never a body
            return Response(status_code=304, headers=dict(exc.headers or {}))
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"There is no resource at {request.url.path}."
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}."
            headers["Allow"] = ", ".join(allowed_methods(request)) or headers.get("Allow", "")
        return problem_response(request, status=exc.status_code, detail=detail, headers=headers)

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def _database_down(request: Request, exc: DBAPIError) -> JSONResponse:
        return database_unavailable(request, exc)

    @app.exception_handler(DBAPIError)
    async def _database_error(request: Request, exc: DBAPIError) -> JSONResponse:
        if exc.connection_invalidated:
            return database_unavailable(request, exc)
        return unexpected(request, exc)

    @app.exception_handler(PoolTimeout)
    async def _pool_exhausted(request: Request, exc: PoolTimeout) -> JSONResponse:
        log.warning("no database connection free within the pool timeout on %s", request.url.path)
        return busy(request)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        return unexpected(request, exc)
