"""The problem types the API answers with, each described on a page its `type` URI points to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, select_autoescape

from app.errors import NotFound

PAGES_PATH = "/problems"  # under the API's base path: /api/v1/problems/{slug}


@dataclass(frozen=True)
class ProblemType:
    """A kind of problem: its title, the status it comes with, and what a client should do."""

    title: str
    status: int
    description: str


TYPES: dict[str, ProblemType] = {
    "bad-request": ProblemType(
        "Bad request", 400, "The request cannot be handled as sent; the detail says why."
    ),
    "invalid-input": ProblemType(
        "Invalid input",
        400,
        "One or more inputs are missing or invalid. Every one is listed in `errors[]` with where it was "
        "(`in`: body, query, path or header), its `name` and a stable `code` (e.g. `missing`, "
        "`unknown_parameter` for a query parameter the operation does not have, `datetime_parsing` "
        "for a date-time that is not RFC 3339 with an offset). Correct them all and send again.",
    ),
    "unauthenticated": ProblemType(
        "Unauthorized",
        401,
        "No valid bearer token: it is missing, expired, revoked or forged, or the login failed. "
        "Send `Authorization: Bearer <token>` with a valid token.",
    ),
    "forbidden": ProblemType(
        "Forbidden",
        403,
        "Authenticated, but the role (staff) or scope (API client) does not allow this operation.",
    ),
    "password-change-required": ProblemType(
        "Password change required",
        403,
        "The password of this account was reset: change it (PUT /users/current/password) before "
        "doing anything else.",
    ),
    "organisation-required": ProblemType(
        "Organisation required",
        400,
        "The e-mail address and password fit accounts in several organisations: log in again and "
        "name the organisation.",
    ),
    "letter-template-invalid": ProblemType(
        "Letter template cannot be rendered",
        400,
        "The organisation's letter template of this language cannot be rendered safely; an "
        "administrator must correct it (PUT /letter-templates/{language}).",
    ),
    "not-found": ProblemType(
        "Not found",
        404,
        "There is no such resource, or it belongs to another organisation, or it is outside the "
        "caller's need-to-know. The API does not tell these apart.",
    ),
    "method-not-allowed": ProblemType(
        "Method not allowed",
        405,
        "The path exists but not with this method; the `Allow` header lists the methods it has.",
    ),
    "request-timeout": ProblemType(
        "Request timeout",
        408,
        "The request body arrived too slowly; nothing was kept. Send it again.",
    ),
    "conflict": ProblemType("Conflict", 409, "The request conflicts with the current state of the resource."),
    "invalid-state": ProblemType(
        "Invalid state transition",
        409,
        "The workflow does not allow this change from the resource's current status.",
    ),
    "handling-order": ProblemType(
        "Handling order not followed",
        409,
        "The protocol's handling order requires an earlier step first (for example the police report "
        "before content is removed); `errors[]` names what is missing.",
    ),
    "duplicate-external-reference": ProblemType(
        "Already registered",
        409,
        "An incident with this external reference (system and id) already exists; `Location` points "
        "to it. Update that incident instead of creating another.",
    ),
    "idempotency-key-reused": ProblemType(
        "Idempotency key reused",
        409,
        "This Idempotency-Key was used before for a request with another body. Use a new key for a "
        "new request.",
    ),
    "idempotency-key-in-progress": ProblemType(
        "Idempotency key in progress",
        409,
        "The first request with this Idempotency-Key is still running; retry after `Retry-After` "
        "seconds to get its response.",
    ),
    "evidence-integrity-failed": ProblemType(
        "Evidence integrity failed",
        409,
        "The last verification found content that no longer matches its SHA-256, so it is not "
        "served as evidence. Ask with `acceptTampered=true` to examine it anyway (recorded in the "
        "custody log).",
    ),
    "gone": ProblemType(
        "Gone",
        410,
        "The content was removed at the end of its retention period; its tombstone with the SHA-256 remains.",
    ),
    "precondition-failed": ProblemType(
        "Precondition failed",
        412,
        "`If-Match` does not match the current `ETag`: someone else changed the resource. Read it "
        "again, apply the change to the current version and send it with the new ETag.",
    ),
    "too-large": ProblemType(
        "Payload too large", 413, "The request body or file is larger than allowed; nothing was kept."
    ),
    "unsupported-media-type": ProblemType(
        "Unsupported media type",
        415,
        "The body's content type, or the sniffed type of an uploaded file, is not accepted here.",
    ),
    "range-not-satisfiable": ProblemType(
        "Range not satisfiable",
        416,
        "The requested byte range lies outside the content; `Content-Range` gives its size.",
    ),
    "precondition-required": ProblemType(
        "Precondition required",
        428,
        "This change needs `If-Match` with the resource's current `ETag` (from a GET or the last "
        "change), so that it cannot overwrite someone else's change unseen.",
    ),
    "too-many-requests": ProblemType(
        "Too many requests", 429, "Too many attempts in a short time; wait `Retry-After` seconds."
    ),
    "internal-error": ProblemType(
        "Internal server error",
        500,
        "An unexpected error; it has been logged and nothing was changed. Report it with the time "
        "and the `instance`.",
    ),
    "unavailable": ProblemType(
        "Service unavailable",
        503,
        "A dependency (the database or the evidence store) is busy or not reachable; try again after "
        "`Retry-After` seconds.",
    ),
    "storage-full": ProblemType(
        "Insufficient storage",
        507,
        "The evidence store is full; nothing was kept. An administrator must free or add space.",
    ),
    "http-error": ProblemType(
        "HTTP error", 400, "An HTTP-level error without a more specific type; see `status` and `detail`."
    ),
}

# The type of a problem raised without one of its own, by status.
BY_STATUS = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    408: "request-timeout",
    409: "conflict",
    410: "gone",
    412: "precondition-failed",
    413: "too-large",
    415: "unsupported-media-type",
    416: "range-not-satisfiable",
    428: "precondition-required",
    429: "too-many-requests",
    500: "internal-error",
    503: "unavailable",
    507: "storage-full",
}


def slug_for_status(status: int) -> str:
    """The general problem type of a status."""
    return BY_STATUS.get(status, "http-error")


def type_uri(request: Request, slug: str) -> str:
    """The absolute URI of a problem type: its page under the API's public address."""
    settings = getattr(getattr(request.scope.get("app"), "state", None), "settings", None)
    base = str(settings.public_url).rstrip("/") if settings else str(request.base_url).rstrip("/")
    return f"{base}/api/v1{PAGES_PATH}/{slug}"


_env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
PAGE = _env.from_string(
    """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ heading }} - Weerbaar API</title></head>
<body>
<main>
<h1>{{ heading }}</h1>
{% for slug, problem in problems %}<section id="{{ slug }}">
{% if many %}<h2><a href="{{ slug }}">{{ problem.title }}</a></h2>{% endif %}
<p>Type: <code>{{ base }}/{{ slug }}</code>; usual status {{ problem.status }}.</p>
<p>{{ problem.description }}</p>
</section>
{% endfor %}<p>Every error of the Weerbaar API is <code>application/problem+json</code> (RFC 9457) with
<code>type</code>, <code>title</code>, <code>status</code>, <code>detail</code>, <code>instance</code> and,
for invalid input, <code>errors[]</code>. The contract: <a href="../openapi.json">openapi.json</a>.
{% if not many %}All problem types: <a href=".">list</a>.{% endif %}</p>
</main>
</body>
</html>
"""
)

router = APIRouter(prefix=PAGES_PATH, include_in_schema=False)


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "json" in accept and "text/html" not in accept


def _page(request: Request, heading: str, problems: dict[str, ProblemType]) -> Response:
    base = type_uri(request, "").rstrip("/")
    headers = {"Cache-Control": "public, max-age=3600", "Vary": "Accept"}
    if _wants_json(request):
        body = [
            {
                "type": f"{base}/{s}",
                "slug": s,
                "title": p.title,
                "status": p.status,
                "description": p.description,
            }
            for s, p in problems.items()
        ]
        return JSONResponse(body if len(problems) != 1 else body[0], headers=headers)
    html = PAGE.render(heading=heading, problems=problems.items(), many=len(problems) != 1, base=base)
    return HTMLResponse(html, headers=headers)


@router.get("")
def list_problem_types(request: Request) -> Response:
    """Every problem type (no login: documentation, like the contract)."""
    return _page(request, "Problem types of the Weerbaar API", TYPES)


@router.get("/{slug}")
def get_problem_type(request: Request, slug: Annotated[str, Path(max_length=64)]) -> Response:
    """The page a problem's `type` points to (no login)."""
    problem = TYPES.get(slug)
    if problem is None:
        raise NotFound("This problem type")
    return _page(request, problem.title, {slug: problem})
