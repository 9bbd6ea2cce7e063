"""API clients: the systems that integrate with Weerbaar (GIR, SafetyNet, HR, monitoring)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Request, Response, status

from api.access import access_text, documented_access
from api.deps import Admin, SessionDep, SettingsDep, TransactionRoute
from app.auth import oauth
from app.auth import service as auth
from app.auth.models import ApiClient
from app.auth.schemas import (
    ApiClientCreate,
    ApiClientCreated,
    ApiClientPublic,
    ApiClientWithSecret,
    ApiClientWithToken,
    SecretRotation,
    api_client_created,
    api_client_public,
    api_client_with_secret,
    api_client_with_token,
)
from app.db import utcnow
from app.organisation.models import Role

router = APIRouter(tags=["api-clients"], route_class=TransactionRoute)

ACCESS = documented_access(Role.admin)
TEXT = access_text(Role.admin)


def get_api_client(
    session: SessionDep,
    actor: Admin,
    api_client_id: Annotated[uuid.UUID, Path(alias="apiClientId")],
) -> ApiClient:
    """The API client in the path, if it belongs to the admin's organisation; 404 otherwise."""
    return auth.get_api_client(session, organisation_id=actor.organisation_id, api_client_id=api_client_id)


CurrentApiClient = Annotated[ApiClient, Depends(get_api_client)]


@router.post(
    "/api-clients",
    status_code=status.HTTP_201_CREATED,
    operation_id="createApiClient",
    summary="Create an API client",
    description="Create an API client with scopes. Its OAuth2 client secret (`clientSecret`, with "
    "the client's `id` as `client_id` at `POST /oauth/token`) and its static token (`token`, "
    "deprecated) are in this response only." + TEXT,
    openapi_extra=ACCESS,
)
def create_api_client(
    body: ApiClientCreate, actor: Admin, session: SessionDep, request: Request, response: Response
) -> ApiClientCreated:
    """Create an API client; the secret and the token are returned once."""
    key = request.app.state.secret_key
    client, token = auth.create_api_client(
        session,
        organisation_id=actor.organisation_id,
        name=body.name,
        scopes=list(dict.fromkeys(body.scopes)),
        key=key,
        actor=actor,
    )
    secret = oauth.new_secret(client, key=key, now=utcnow())
    session.add(client)
    session.flush()
    response.headers["Location"] = f"/api/v1/api-clients/{client.id}"
    return api_client_created(client, token, secret)


@router.get(
    "/api-clients",
    operation_id="listApiClients",
    summary="List API clients",
    description="The organisation's API clients, revoked ones included, oldest first." + TEXT,
    openapi_extra=ACCESS,
)
def list_api_clients(actor: Admin, session: SessionDep) -> list[ApiClientPublic]:
    """The organisation's API clients."""
    return [
        api_client_public(c) for c in auth.list_api_clients(session, organisation_id=actor.organisation_id)
    ]


@router.get(
    "/api-clients/{apiClientId}",
    operation_id="getApiClient",
    summary="Get an API client",
    description="One API client (never its token)." + TEXT,
    openapi_extra=ACCESS,
)
def get_api_client_route(actor: Admin, client: CurrentApiClient) -> ApiClientPublic:
    """One API client."""
    return api_client_public(client)


@router.post(
    "/api-clients/{apiClientId}/rotations",
    operation_id="rotateApiClientToken",
    summary="Rotate an API client's static token",
    description="Issue a new static token (deprecated: prefer OAuth2 client credentials), returned "
    "in this response only; the old token stops working at once. A revoked client gives 409." + TEXT,
    openapi_extra=ACCESS,
)
def rotate_api_client(
    actor: Admin, client: CurrentApiClient, session: SessionDep, request: Request
) -> ApiClientWithToken:
    """Replace the client's token."""
    rotated, token = auth.rotate_api_client(
        session, client=client, key=request.app.state.secret_key, actor=actor
    )
    return api_client_with_token(rotated, token)


@router.post(
    "/api-clients/{apiClientId}/secret-rotations",
    operation_id="rotateApiClientSecret",
    summary="Rotate an API client's client secret",
    description="Issue a new OAuth2 client secret, returned in this response only. The current "
    "secret keeps working until `previousSecretExpiresAt` (`overlapMinutes`, by default the "
    "server's setting), so the connected system can switch without an outage; a secret older "
    "than that stops at once. A client without a secret gets its first one. A revoked client "
    "gives 409." + TEXT,
    openapi_extra=ACCESS,
)
def rotate_api_client_secret(
    actor: Admin,
    client: CurrentApiClient,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
    body: Annotated[SecretRotation | None, Body()] = None,
) -> ApiClientWithSecret:
    """Replace the client's secret, the current one working on for the overlap."""
    minutes = body.overlap_minutes if body and body.overlap_minutes is not None else None
    if minutes is None:
        minutes = settings.oauth_secret_overlap_minutes
    secret = oauth.rotate_secret(
        session,
        client=client,
        key=request.app.state.secret_key,
        overlap=timedelta(minutes=minutes),
        actor=actor,
    )
    return api_client_with_secret(client, secret)


@router.delete(
    "/api-clients/{apiClientId}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="revokeApiClient",
    summary="Revoke an API client",
    description="Revoke the client: its token, its secret and its access tokens give 401 from now "
    "on. The client stays listed, with revokedAt." + TEXT,
    openapi_extra=ACCESS,
)
def revoke_api_client(actor: Admin, client: CurrentApiClient, session: SessionDep) -> None:
    """Revoke the client."""
    auth.revoke_api_client(session, client=client, actor=actor)
