"""API clients: the systems that integrate with Weerbaar (GIR, SafetyNet, HR, monitoring)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status

from api.access import access_text, documented_access
from api.deps import Admin, SessionDep
from app.auth import service as auth
from app.auth.models import ApiClient
from app.auth.schemas import (
    ApiClientCreate,
    ApiClientPublic,
    ApiClientWithToken,
    api_client_public,
    api_client_with_token,
)
from app.organisation.models import Role

router = APIRouter(tags=["api-clients"])

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
    description="Create an API client with scopes; its token is in this response only." + TEXT,
    openapi_extra=ACCESS,
)
def create_api_client(
    body: ApiClientCreate, actor: Admin, session: SessionDep, request: Request, response: Response
) -> ApiClientWithToken:
    """Create an API client; the token is returned once."""
    client, token = auth.create_api_client(
        session,
        organisation_id=actor.organisation_id,
        name=body.name,
        scopes=list(dict.fromkeys(body.scopes)),
        key=request.app.state.secret_key,
        actor=actor,
    )
    response.headers["Location"] = f"/api/v1/api-clients/{client.id}"
    return api_client_with_token(client, token)


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
    summary="Rotate an API client's token",
    description="Issue a new token, returned in this response only; the old token stops working "
    "at once. A revoked client gives 409." + TEXT,
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


@router.delete(
    "/api-clients/{apiClientId}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="revokeApiClient",
    summary="Revoke an API client",
    description="Revoke the client: its token gives 401 from now on. The client stays listed, "
    "with revokedAt." + TEXT,
    openapi_extra=ACCESS,
)
def revoke_api_client(actor: Admin, client: CurrentApiClient, session: SessionDep) -> None:
    """Revoke the client."""
    auth.revoke_api_client(session, client=client, actor=actor)
