"""Request and response bodies of /api-clients."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field

from app.auth.actor import Scope
from app.auth.models import ApiClient
from app.schemas import ApiModel


class ApiClientCreate(ApiModel):
    """A new API client: a name people recognise and the scopes it needs."""

    name: Annotated[str, Field(min_length=1, max_length=200, examples=["GIR koppeling"])]
    scopes: list[Scope] = Field(min_length=1, max_length=len(Scope))


class ApiClientPublic(ApiModel):
    """An API client; the token itself is never shown again, only its first characters."""

    id: uuid.UUID
    name: str
    scopes: list[Scope]
    token_hint: str = Field(description="The first characters of the current token, to recognise it.")
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiClientWithToken(ApiClientPublic):
    """An API client together with its secret token: shown this once, store it safely."""

    token: str = Field(description="The bearer token. It is not stored and cannot be shown again.")


def api_client_public(client: ApiClient) -> ApiClientPublic:
    """The API view of a client."""
    return ApiClientPublic.model_validate(client)


def api_client_with_token(client: ApiClient, token: str) -> ApiClientWithToken:
    """The API view of a client with the token just issued."""
    return ApiClientWithToken.model_validate({**api_client_public(client).model_dump(), "token": token})
