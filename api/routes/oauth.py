"""The OAuth2 token endpoint: client credentials (RFC 6749 section 4.4) for API clients.

Errors here follow RFC 6749 section 5.2 (`error`, `error_description`, as application/json),
because that is what OAuth2 client libraries read at a token endpoint. The same body also
carries the problem members (type, title, status, detail, instance), and a caller that asks for
`application/problem+json` in Accept gets it under that media type: one body, both conventions.
Refusals before the endpoint runs (413, 415, 429, 503) are plain problem+json like everywhere.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import TransactionRoute, client_origin, get_engine
from api.problems import PROBLEM_MEDIA_TYPE, problem_response
from app.auth import oauth
from app.auth.actor import Scope
from app.db import session_scope

router = APIRouter(tags=["oauth"], route_class=TransactionRoute)

TOKEN_PATH = "/oauth/token"  # noqa: S105 - a path, not a secret
FORM_TYPE = "application/x-www-form-urlencoded"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
TITLES = {
    "invalid_request": "Invalid token request",
    "invalid_client": "Client authentication failed",
    "invalid_grant": "Invalid grant",
    "invalid_scope": "Invalid scope",
    "unauthorized_client": "Unauthorized client",
    "unsupported_grant_type": "Unsupported grant type",
}


class AccessTokenResponse(BaseModel):
    """An access token (RFC 6749 section 5.1); send it as `Authorization: Bearer <access_token>`."""

    access_token: str = Field(description="The bearer token; it is not stored and cannot be shown again.")
    token_type: str = Field(description="Always `Bearer`.", examples=["Bearer"])
    expires_in: int = Field(description="Seconds the token is valid.", examples=[900])
    scope: str = Field(
        description="The granted scopes, space-delimited.", examples=["incidents:read incidents:write"]
    )


class OAuthError(BaseModel):
    """A token endpoint error (RFC 6749 section 5.2), also a problem (RFC 9457)."""

    error: str = Field(
        description="invalid_request, invalid_client, invalid_grant, invalid_scope, unauthorized_client "
        "or unsupported_grant_type.",
        examples=["invalid_client"],
    )
    error_description: str = Field(description="What is wrong, for people.")
    type: str = Field(
        description="The problem type URI; it resolves to a page describing it.",
        examples=["https://weerbaar.example/api/v1/problems/oauth-invalid-client"],
    )
    title: str = Field(examples=["Client authentication failed"])
    status: int = Field(examples=[401])
    detail: str = Field(examples=["Client authentication failed."])
    instance: str = Field(examples=["/api/v1/oauth/token"])


def _error(request: Request, refusal: oauth.Refusal) -> JSONResponse:
    problem = problem_response(
        request,
        status=refusal.status,
        detail=refusal.description,
        title=TITLES.get(refusal.error, "Token request refused"),
        slug="oauth-" + refusal.error.replace("_", "-"),
    )
    body = {
        "error": refusal.error,
        "error_description": refusal.description,
        **json.loads(bytes(problem.body)),
    }
    headers = dict(NO_STORE)
    if refusal.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="weerbaar", charset="UTF-8"'
    wants_problem = PROBLEM_MEDIA_TYPE in request.headers.get("accept", "")
    media_type = PROBLEM_MEDIA_TYPE if wants_problem else "application/json"
    return JSONResponse(body, status_code=refusal.status, headers=headers, media_type=media_type)


def _invalid(description: str) -> oauth.Refusal:
    return oauth.Refusal("invalid_request", description)


def _form(raw: bytes) -> dict[str, str] | oauth.Refusal:
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        return _invalid("The body is not UTF-8.")
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:  # RFC 6749 section 3.2: parameters must not be repeated
            return _invalid(f"The parameter {name} is given more than once.")
        form[name] = value
    return form


def _basic(header: str) -> tuple[str, str] | oauth.Refusal | None:
    """Client id and secret from HTTP Basic (RFC 6749 section 2.3.1: each form-urlencoded)."""
    scheme, _, value = header.partition(" ")
    if not header:
        return None
    if scheme.lower() != "basic":
        return oauth.Refusal("invalid_client", "Authenticate the client with HTTP Basic or in the body.", 401)
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return oauth.Refusal("invalid_client", "The Basic credentials cannot be read.", 401)
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        return oauth.Refusal("invalid_client", "The Basic credentials cannot be read.", 401)
    return unquote_plus(client_id), unquote_plus(secret)


def _credentials(request: Request, form: dict[str, str]) -> tuple[str, str] | oauth.Refusal:
    basic = _basic(request.headers.get("authorization", ""))
    if isinstance(basic, oauth.Refusal):
        return basic
    in_body = "client_secret" in form
    if basic is not None and in_body:
        return _invalid("Authenticate the client one way: HTTP Basic or the body, not both.")
    if basic is not None:
        if form.get("client_id") not in (None, basic[0]):
            return _invalid("client_id differs from the client in the Authorization header.")
        return basic
    if in_body and form.get("client_id"):
        return form["client_id"], form["client_secret"]
    return oauth.Refusal("invalid_client", "Authenticate the client with HTTP Basic or in the body.", 401)


TOKEN_REQUEST: dict[str, Any] = {
    "type": "object",
    "title": "Token request",
    "required": ["grant_type"],
    "properties": {
        "grant_type": {"type": "string", "enum": ["client_credentials"]},
        "scope": {
            "type": "string",
            "description": "Space-delimited scopes, a subset of the client's; omitted: all of them.",
            "examples": ["incidents:read incidents:write"],
        },
        "client_id": {
            "type": "string",
            "description": "The API client's id, when the client authenticates in the body.",
        },
        "client_secret": {
            "type": "string",
            "description": "The client secret, when the client authenticates in the body.",
        },
    },
}
OAUTH_ERROR = {"$ref": "#/components/schemas/OAuthError"}


def _error_response(description: str) -> dict[str, Any]:
    return {
        "model": OAuthError,
        "description": description,
        "headers": {
            "API-Version": {"$ref": "#/components/headers/API-Version"},
            "Cache-Control": {"schema": {"type": "string"}, "description": "no-store"},
        },
        "content": {"application/json": {"schema": OAUTH_ERROR}, PROBLEM_MEDIA_TYPE: {"schema": OAUTH_ERROR}},
    }


@router.post(
    TOKEN_PATH,
    operation_id="requestAccessToken",
    summary="Get an access token (OAuth2 client credentials)",
    description="RFC 6749 section 4.4: an API client sends `grant_type=client_credentials` "
    f"({FORM_TYPE}) and authenticates with HTTP Basic (client id and secret) or with `client_id` "
    "and `client_secret` in the body; `scope` may narrow the grant to some of the client's scopes. "
    "The access token expires after `expires_in` seconds (15 minutes by default); ask for a new "
    "one then. Errors are RFC 6749 section 5.2 JSON (`error`, `error_description`) that also "
    "carries the problem members; send `Accept: application/problem+json` to get that media type. "
    "Rate-limited per client address.",
    response_model=AccessTokenResponse,
    responses={
        200: {"headers": {"Cache-Control": {"schema": {"type": "string"}, "description": "no-store"}}},
        400: _error_response(
            "invalid_request (a missing, repeated or malformed parameter), unsupported_grant_type or "
            "invalid_scope (a scope the client does not hold)."
        ),
        401: _error_response(
            "invalid_client: unknown client, wrong or expired secret, or a revoked client; with "
            "WWW-Authenticate."
        ),
    },
    openapi_extra={
        "requestBody": {"required": True, "content": {FORM_TYPE: {"schema": TOKEN_REQUEST}}},
    },
)
async def request_access_token(request: Request) -> JSONResponse:
    """Issue an access token to an API client that proves its id and secret."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM_TYPE:
        return _error(request, _invalid(f"Send the parameters as {FORM_TYPE}."))
    form = _form(await request.body())
    if isinstance(form, oauth.Refusal):
        return _error(request, form)
    grant_type = form.get("grant_type")
    if not grant_type:
        return _error(request, _invalid("grant_type is missing."))
    if grant_type != "client_credentials":
        return _error(
            request, oauth.Refusal("unsupported_grant_type", "Only client_credentials is supported.")
        )
    credentials = _credentials(request, form)
    if isinstance(credentials, oauth.Refusal):
        return _error(request, credentials)
    client_id, secret = credentials
    ttl = timedelta(minutes=request.app.state.settings.oauth_access_token_minutes)

    def issue() -> oauth.Grant | oauth.Refusal:
        with session_scope(get_engine(request)) as session:
            return oauth.issue_token(
                session,
                client_id=client_id,
                secret=secret,
                scope=form.get("scope"),
                key=request.app.state.secret_key,
                ttl=ttl,
                origin=client_origin(request),
            )

    result = await run_in_threadpool(issue)
    if isinstance(result, oauth.Refusal):
        return _error(request, result)
    body = AccessTokenResponse(
        access_token=result.token,
        token_type="Bearer",  # noqa: S106 - the scheme name, not a secret
        expires_in=result.expires_in,
        scope=" ".join(result.scopes),
    )
    return JSONResponse(body.model_dump(), headers=NO_STORE)


def _scope_description(scope: Scope) -> str:
    resource, _, verb = scope.value.partition(":")
    return f"{'Read' if verb == 'read' else 'Create and change'} {resource.replace('-', ' ')}."


AUTHENTICATION = """

Authentication for API clients: OAuth2 client credentials (RFC 6749 section 4.4). Get an access
token at `POST /oauth/token` with the client's id and secret and send it as a bearer token; it
lasts 15 minutes by default. The static API client tokens (`wbc_...`) still work but are
deprecated: move to client credentials. Every authenticated operation and the two
unauthenticated ones (`POST /sessions`, `POST /oauth/token`) are rate-limited: see the
`RateLimit-Policy` and `RateLimit` headers; too many requests give 429 with `Retry-After`.
"""


def document(schema: dict[str, Any]) -> None:
    """Declare the client-credentials scheme, with the scopes each operation needs, in the contract."""
    schema["info"]["description"] = schema["info"].get("description", "").rstrip() + AUTHENTICATION
    for tag in schema.get("tags", []):
        if tag["name"] == "oauth":
            tag["description"] = "OAuth2 client credentials: access tokens for API clients."
    schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
    if "HTTPBearer" in schemes:
        schemes["HTTPBearer"]["description"] = (
            "A bearer token: a staff session token from `POST /sessions`, or an OAuth2 access token "
            "of an API client (see clientCredentials). Deprecated for API clients: the static API "
            "client token (`wbc_...`) still works for existing clients but will be withdrawn; use "
            "client credentials."
        )
    schemes["clientCredentials"] = {
        "type": "oauth2",
        "description": "OAuth2 client credentials for API clients: the client's id and secret at the "
        "token endpoint give a short-lived access token with (some of) the client's scopes.",
        "flows": {
            "clientCredentials": {
                "tokenUrl": "/api/v1" + TOKEN_PATH,
                "scopes": {scope.value: _scope_description(scope) for scope in Scope},
            }
        },
    }
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            needed = operation.get("x-required-scopes")
            if operation.get("security") and needed:
                operation["security"] = [*operation["security"], {"clientCredentials": list(needed)}]
