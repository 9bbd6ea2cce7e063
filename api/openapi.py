"""The published contract: FastAPI's schema, completed for the Dutch API Design Rules."""

from __future__ import annotations

import inspect
import json
import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from api import ratelimit
from api.deps import Permission, get_incident
from api.problems import PROBLEM_MEDIA_TYPE, Problem, ProblemFieldError
from api.routes import oauth
from app import API_VERSION
from app.evidence.sniffing import ALLOWED, served_type

DESCRIPTION = """Register, handle and follow up digital aggression against municipal employees.

Conventions: every error is `application/problem+json` (RFC 9457) with `errors[]` for invalid
fields; lists use cursor pagination (`cursor`, `limit`, follow `next`); updates need `If-Match`
with the resource's `ETag` (a missing one is a 428); dates are RFC 3339 in UTC, and date-time
query parameters must carry their offset (`2026-03-01T09:00:00Z`); a query parameter that the
operation does not declare is a 400 (`unknown_parameter`), never ignored; a `null` in a request
body clears the field, where the schema allows null. A problem's `type` is a URI under
`/api/v1/problems/` whose page (no login; HTML, or JSON with `Accept: application/json`) describes
it. Binary downloads come with their own media type; with `Accept: application/octet-stream` the
same bytes come as `application/octet-stream`. Authenticate with
`Authorization: Bearer <token>`: a staff session token from `POST /sessions` or an API client token.
Each operation lists the API client scopes it needs in `x-required-scopes` (all of them; empty:
staff only); a token without them gets 403. Every authenticated `POST` accepts `Idempotency-Key`
for safe retries.
"""

PROBLEMS = {
    "400": "Invalid input: every field error is listed in `errors`.",
    "401": "No valid bearer token (missing, expired, revoked or forged).",
    "403": "Authenticated, but the role or scope does not allow this.",
    "404": "Not found, or not visible to the caller.",
    "409": "Conflicts with the current state (e.g. an invalid status transition).",
    "412": "If-Match does not match the current ETag: someone else changed it.",
    "413": "The request body is too large.",
    "415": "The request body has an unsupported content type.",
    "428": "If-Match is required.",
    "429": "Too many attempts; see Retry-After.",
    "500": "An unexpected error; it has been logged.",
    "503": "A dependency (database or storage) is not reachable.",
    "507": "The evidence store is full; nothing was kept.",
}

TAG_DESCRIPTIONS = {
    "sessions": "Staff login and logout.",
    "users": "Staff users.",
    "incidents": "Incidents of digital aggression.",
    "audit": "The hash-chained audit log.",
    "api-clients": "API clients of integrating systems, with scopes.",
    "webhooks": "Signed event deliveries (Standard Webhooks).",
    "exports": "Exports for the registers GIR and SafetyNet.",
    "statistics": "Counts and medians, without personal data.",
    "recording-permissions": "Requests to record conversations with staff, decisions and violations.",
    "recording-rules": "The published house rules on recordings.",
}


def _tags(app: FastAPI) -> list[dict[str, str]]:
    """Every tag the operations use, described, in order of first use."""
    seen: dict[str, None] = {}
    for route in app.routes:
        for tag in getattr(route, "tags", None) or []:
            seen.setdefault(str(tag), None)
    return [
        {"name": t, "description": TAG_DESCRIPTIONS.get(t, t.replace("-", " ").capitalize() + ".")}
        for t in seen
    ]


VERSION_HEADER = {"API-Version": {"$ref": "#/components/headers/API-Version"}}


def _problem(code: str) -> dict[str, Any]:
    headers: dict[str, Any] = dict(VERSION_HEADER)  # a copy: the contract's completion adds headers to it
    if code == "503":
        headers["Retry-After"] = {
            "description": "Seconds to wait before trying again.",
            "schema": {"type": "integer"},
        }
    return {
        "description": PROBLEMS[code],
        "headers": headers,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Makes a retry safe (IETF draft httpapi-idempotency-key-header): a retry with the "
    "same key and the same body returns the first response again (with `Idempotent-Replayed: true`) "
    "instead of doing the work twice. The same key with another body, or while the first request is "
    "still running, is a 409 problem. Keys are scoped per caller and organisation and kept for "
    "24 hours; a response with status 5xx or 429 is not kept, so its retry runs again. The "
    "multipart boundary does not count: an upload retried with a new boundary is the same request.",
    # Printable ASCII without '"' and '\\', and no space at either end (a header value is trimmed).
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": 255,
        "pattern": r"^[!#-\[\]-~]([ !#-\[\]-~]*[!#-\[\]-~])?$",
    },
}


def _document_idempotency(operation: dict[str, Any], codes: list[str]) -> None:
    """Every authenticated POST accepts Idempotency-Key (handled once, in api.idempotency)."""
    params = operation.setdefault("parameters", [])
    if not any(p.get("in") == "header" and p["name"].lower() == "idempotency-key" for p in params):
        params.append(IDEMPOTENCY_KEY)
    conflict = _problem("409")
    conflict["description"] = (
        "Conflict: the current state does not allow this; or the Idempotency-Key was used for "
        "another request (`idempotency-key-reused`) or its first request is still running "
        "(`idempotency-key-in-progress`, see Retry-After); or, for incidents, an external "
        "reference is already registered (`duplicate-external-reference`, see Location)."
    )
    conflict["headers"] = {
        **VERSION_HEADER,
        "Location": {
            "description": "The existing resource, when the request duplicates it.",
            "schema": {"type": "string"},
        },
        "Retry-After": {
            "description": "Seconds to wait, when the first request is still running.",
            "schema": {"type": "integer"},
        },
    }
    operation.setdefault("responses", {}).setdefault("409", conflict)


ETAG = {
    "description": "The version of the resource (a strong entity tag); send it as `If-Match` to "
    "change the resource.",
    "required": True,
    "schema": {"type": "string"},
}
CONTENT_ETAG = {
    "description": "The stored content's SHA-256 as a strong entity tag, when the content is "
    "served as stored.",
    "schema": {"type": "string"},
}
CONTENT_DISPOSITION = {
    "description": "`attachment` with the file name (`filename` in ASCII and `filename*` in UTF-8).",
    "schema": {"type": "string"},
}
BINARY = {"schema": {"type": "string", "format": "binary"}}
OCTET_STREAM = "application/octet-stream"
# The content types evidence is served with: the allow-list, active content as a download.
EVIDENCE_TYPES = sorted({served_type(t) for t in ALLOWED} - {OCTET_STREAM})


def sets_etag(route: APIRoute) -> bool:
    """Whether the route's endpoint sets the ETag header (tests/contract checks it on the wire)."""
    try:
        return '"ETag"' in inspect.getsource(route.endpoint)
    except (OSError, TypeError):
        return False


def _declare_binary(response: dict[str, Any]) -> None:
    """A binary response in its media type(s) and as application/octet-stream, first: generators
    then make a download method (openapi-python-client reads the first media type it knows)."""
    content: dict[str, Any] = response.get("content", {})
    binary = [t for t, m in content.items() if m.get("schema", {}).get("format") == "binary"]
    if not binary or any("json" in t for t in content):
        return
    types = EVIDENCE_TYPES if "*/*" in binary else [t for t in binary if t != OCTET_STREAM]
    response["content"] = {OCTET_STREAM: BINARY, **dict.fromkeys(types, BINARY)}
    headers = response.setdefault("headers", {})
    headers.setdefault("Content-Disposition", CONTENT_DISPOSITION)


def _strip_titles(schema: Any, *, keep: bool = False) -> None:
    """Remove generated titles ("Recipientname") below the named schemas: generators and viewers
    then use the property names and descriptions."""
    if isinstance(schema, list):
        for item in schema:
            _strip_titles(item)
        return
    if not isinstance(schema, dict):
        return
    if not keep and isinstance(schema.get("title"), str):
        del schema["title"]
    for key in ("items", "additionalProperties", "not", "contains"):
        _strip_titles(schema.get(key))
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        _strip_titles(schema.get(key))
    for key in ("properties", "$defs", "patternProperties"):
        for sub in (schema.get(key) or {}).values():
            _strip_titles(sub)


def _strip_operation_titles(operation: dict[str, Any]) -> None:
    for param in operation.get("parameters", []):
        _strip_titles(param.get("schema"))
    for media in operation.get("requestBody", {}).get("content", {}).values():
        _strip_titles(media.get("schema"))
    for response in operation.get("responses", {}).values():
        for media in response.get("content", {}).values():
            _strip_titles(media.get("schema"))


def _form_fields_without_null(schema: dict[str, Any]) -> None:
    """A multipart form field is there or not: it has no null (a generated client would send the
    text "None"), so the form schemas declare none."""
    schemas = schema.get("components", {}).get("schemas", {})
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            media = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
            form = (media or {}).get("schema", {})
            if "$ref" in form:
                form = schemas.get(form["$ref"].rsplit("/", 1)[-1], {})
            for prop in form.get("properties", {}).values():
                variants = [v for v in prop.get("anyOf", []) if v.get("type") != "null"]
                if "anyOf" in prop and len(variants) == 1:
                    del prop["anyOf"]
                    prop.update(variants[0])
                if "default" in prop and prop["default"] is None:
                    del prop["default"]


# Operations whose scope is checked in the service rather than by a Permission dependency.
SERVICE_CHECKED_SCOPES = {
    "createIncident": "incidents:write",
    "updateIncident": "incidents:write",
    "listIncidents": "incidents:read",
    "getIncident": "incidents:read",
    "uploadEvidence": "evidence:write",
    "setEvidenceLegalHold": "evidence:write",
    "listIncidentEvidence": "evidence:read",
    "getEvidence": "evidence:read",
    "getEvidenceContent": "evidence:read",
    "listEvidenceCustodyEvents": "evidence:read",
    "verifyEvidence": "evidence:read",
    "getIncidentDossier": "evidence:read",
}


def _routes(routes: Any) -> Any:
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _routes(included.routes)
        elif isinstance(route, APIRoute):
            yield route


# Actions, takedown requests and evidence are reached through their incident: the service
# checks incidents:read (need-to-know) as well.
THROUGH_INCIDENT = ("actions:", "takedowns:", "evidence:")


def _permissions(dependant: Any) -> list[Permission]:
    found: list[Permission] = []
    for dependency in dependant.dependencies:
        if isinstance(dependency.call, Permission):
            found.append(dependency.call)
        found.extend(_permissions(dependency))
    return found


def _loads_incident(dependant: Any) -> bool:
    return any(d.call is get_incident or _loads_incident(d) for d in dependant.dependencies)


def required_scopes(app: FastAPI) -> dict[str, list[str]]:
    """The API client scopes each operation needs, all of them (empty: not open to API clients)."""
    scopes: dict[str, list[str]] = {}
    for route in _routes(app.routes):
        named = {p.scope.value for p in _permissions(route.dependant) if p.scope}
        if route.operation_id in SERVICE_CHECKED_SCOPES:
            named.add(SERVICE_CHECKED_SCOPES[route.operation_id])
        if named and (_loads_incident(route.dependant) or any(n.startswith(THROUGH_INCIDENT) for n in named)):
            named.add("incidents:read")
        if route.operation_id:
            scopes[route.operation_id] = sorted(named)
    return scopes


def _complete_operation(path: str, method: str, operation: dict[str, Any], etag: bool = False) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    responses.pop("422", None)
    params = operation.get("parameters", [])
    for param in params:
        if param.get("in") == "header" and param["name"].lower() == "if-match":
            param["required"] = True  # a missing one is answered with 428
            param["schema"] = {"type": "string", "minLength": 1}
            param.setdefault("description", "The resource's current ETag.")
    for code, response in responses.items():
        if code.startswith(("2", "3")):
            _declare_binary(response)
            headers = response.setdefault("headers", {})
            headers.update(VERSION_HEADER)
            if code == "201":
                headers["Location"] = {
                    "description": "URL of the created resource.",
                    "schema": {"type": "string"},
                }
            if etag and code.startswith("2") and code != "204":
                binary = OCTET_STREAM in response.get("content", {})
                headers["ETag"] = CONTENT_ETAG if binary else ETAG
    _strip_operation_titles(operation)
    header_names = {p["name"].lower() for p in params if p.get("in") == "header"}
    codes = ["400", "500", "503"]
    if operation.get("security"):
        codes += ["401", "403"]
    if "{" in path:
        codes.append("404")
    if "requestBody" in operation:
        codes += ["413", "415"]
    if operation.get("operationId") == "uploadEvidence":
        codes.append("507")
    if "if-match" in header_names:
        codes += ["409", "412", "428"]
    if operation.get("operationId") == "createSession":
        codes += ["401", "429"]
    if method == "post" and operation.get("security"):
        _document_idempotency(operation, codes)
    for code in sorted(set(codes)):
        responses.setdefault(code, _problem(code))


def _rename_generic_pages(schema: dict[str, Any]) -> dict[str, Any]:
    """Page_IncidentPublic_ becomes IncidentPage: schema names are UpperCamelCase."""
    names = schema.get("components", {}).get("schemas", {})
    renames = {
        old: re.sub(r"^Page_(\w+?)(?:Public)?_$", r"\1Page", old) for old in names if old.startswith("Page_")
    }
    if not renames:
        return schema
    text = json.dumps(schema)
    for old, new in renames.items():
        text = text.replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"')
    renamed: dict[str, Any] = json.loads(text)
    schemas = renamed["components"]["schemas"]
    for old, new in renames.items():
        schemas[new] = schemas.pop(old)
        schemas[new]["title"] = new
    return renamed


WEBHOOK_HEADERS = [
    {
        "name": "webhook-id",
        "in": "header",
        "required": True,
        "description": "The message id, `msg_<eventId>`: the same for every attempt and every "
        "redelivery of one event. Receivers deduplicate on it.",
        "schema": {"type": "string", "pattern": "^msg_[0-9a-f-]{36}$"},
    },
    {
        "name": "webhook-timestamp",
        "in": "header",
        "required": True,
        "description": "Unix seconds when this attempt was signed; refuse a message far from now "
        "(Standard Webhooks: 5 minutes) against replays.",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
    {
        "name": "webhook-signature",
        "in": "header",
        "required": True,
        "description": "Space-separated `v1,<base64 HMAC-SHA256>` entries over "
        "`<webhook-id>.<webhook-timestamp>.<body>`, keyed with the base64-decoded part of the "
        "`whsec_` secret. One entry per secret: two during the overlap after a secret rotation. "
        "Accept the message when any entry matches (Standard Webhooks libraries do).",
        "schema": {"type": "string", "pattern": "^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$"},
    },
]


def _webhooks(schemas: dict[str, Any]) -> dict[str, Any]:
    """The contract's `webhooks` (OpenAPI 3.1): every event's body, schema per event type."""
    from app.webhook.events import EVENT_MODELS

    webhooks: dict[str, Any] = {}
    for event_type, model in EVENT_MODELS.items():
        body = model.model_json_schema(by_alias=True, ref_template="#/components/schemas/{model}")
        for name, definition in body.pop("$defs", {}).items():
            schemas.setdefault(name, definition)
        schemas[model.__name__] = body
        words = event_type.replace(".", "_").split("_")
        webhooks[event_type] = {
            "post": {
                "operationId": words[0] + "".join(w.capitalize() for w in words[1:]) + "Webhook",
                "summary": event_type,
                "description": (model.__doc__ or "")
                + " Sent as a signed POST (Standard Webhooks) to every active subscription to "
                "this event type.",
                "tags": ["webhooks"],
                "parameters": WEBHOOK_HEADERS,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
                    },
                },
                "responses": {
                    "2XX": {"description": "Any 2xx acknowledges the message; the body is ignored."},
                    "410": {"description": "Gone: the subscription is disabled, no more deliveries."},
                    "default": {
                        "description": "Anything else (or no answer within the timeout) is retried "
                        "with exponential back-off and jitter, up to 10 attempts."
                    },
                },
            }
        }
    return webhooks


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The contract of the API app, as published at /api/v1/openapi.json."""
    settings = app.state.settings
    schema = get_openapi(
        title="Weerbaar API",
        version=API_VERSION,
        description=DESCRIPTION,
        routes=app.routes,
        contact={
            "name": settings.contact_name,
            "url": settings.contact_url,
            "email": settings.contact_email,
        },
        license_info={"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
        servers=[{"url": "/api/v1", "description": "This server"}],
        tags=_tags(app),
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    problem.pop("$defs", None)
    schemas["Problem"] = problem
    schemas["ProblemFieldError"] = ProblemFieldError.model_json_schema(by_alias=True)
    components["headers"] = {
        "API-Version": {
            "description": "The full version of the API (semver).",
            "schema": {"type": "string", "example": API_VERSION},
        }
    }
    schema["webhooks"] = _webhooks(schemas)
    for component in schemas.values():
        _strip_titles(component, keep=True)
    scopes = required_scopes(app)
    etags = {route.operation_id for route in _routes(app.routes) if sets_etag(route)}
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                _complete_operation(path, method, operation, operation.get("operationId") in etags)
                if operation.get("security") and "x-required-scopes" not in operation:
                    operation["x-required-scopes"] = scopes.get(operation.get("operationId", ""), [])
    oauth.document(schema)
    ratelimit.document(schema, address_operations=("createSession", "requestAccessToken"))
    renamed = _rename_generic_pages(schema)
    _form_fields_without_null(renamed)
    return renamed


def install(app: FastAPI) -> None:
    """Serve the completed contract instead of FastAPI's default."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
