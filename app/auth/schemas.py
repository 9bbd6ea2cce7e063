"""Request and response bodies of /api-clients."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field, field_validator

from app.auth.actor import Scope
from app.auth.models import ApiClient
from app.schemas import ApiModel


class ApiClientCreate(ApiModel):
    """A new API client: a name people recognise and the scopes it needs."""

    # Not only white space (the service refuses a blank name): the pattern asks for one other character.
    name: Annotated[
        str,
        Field(min_length=1, max_length=200, examples=["GIR koppeling"], json_schema_extra={"pattern": r"\S"}),
    ]
    scopes: list[Scope] = Field(min_length=1, max_length=len(Scope))


class ApiClientPublic(ApiModel):
    """An API client; its token and secret are never shown again, only their first characters."""

    id: uuid.UUID = Field(description="Also the OAuth2 `client_id` at the token endpoint.")
    name: str
    scopes: list[Scope]
    token_hint: str = Field(
        description="The first characters of the current static token (deprecated), to recognise it."
    )
    secret_hint: str | None = Field(
        description="The first characters of the current client secret; null for a client created "
        "before OAuth2 that has not had a secret yet (rotate the secret to give it one)."
    )
    secret_created_at: datetime | None = Field(description="When the current client secret was issued.")
    previous_secret_expires_at: datetime | None = Field(
        description="Until when the previous client secret still works after a rotation (the end of "
        "the overlap); null when no previous secret works."
    )
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiClientWithToken(ApiClientPublic):
    """An API client together with its static token: shown this once, store it safely."""

    token: str = Field(
        description="The static bearer token (deprecated: use OAuth2 client credentials). It is not "
        "stored and cannot be shown again."
    )


class ApiClientWithSecret(ApiClientPublic):
    """An API client together with its new client secret: shown this once, store it safely."""

    client_secret: str = Field(
        description="The OAuth2 `client_secret` for the token endpoint. It is not stored and cannot be "
        "shown again."
    )


class ApiClientCreated(ApiClientWithToken):
    """A new API client with its client secret and its static token, both shown this once."""

    client_secret: str = Field(
        description="The OAuth2 `client_secret` for the token endpoint. It is not stored and cannot be "
        "shown again."
    )


class SecretRotation(ApiModel):
    """How long the current client secret keeps working next to the new one."""

    overlap_minutes: int | None = Field(
        default=None,
        ge=0,
        le=43_200,
        description="Minutes the current secret keeps working after the rotation (0: it stops at "
        "once; at most 30 days). Omitted: the server's setting (24 hours by default).",
        examples=[1440],
    )

    @field_validator("overlap_minutes", mode="before")
    @classmethod
    def _a_number(cls, value: object) -> object:
        """true is not one minute (pydantic would read a boolean as 0 or 1)."""
        if isinstance(value, bool):
            raise ValueError("must be a number of minutes")
        return value


def api_client_public(client: ApiClient) -> ApiClientPublic:
    """The API view of a client (the previous secret's end only while it still works)."""
    from app.auth.oauth import previous_secret_valid_until

    view = ApiClientPublic.model_validate(client)
    return view.model_copy(update={"previous_secret_expires_at": previous_secret_valid_until(client)})


def api_client_with_token(client: ApiClient, token: str) -> ApiClientWithToken:
    """The API view of a client with the token just issued."""
    return ApiClientWithToken.model_validate({**api_client_public(client).model_dump(), "token": token})


def api_client_with_secret(client: ApiClient, secret: str) -> ApiClientWithSecret:
    """The API view of a client with the secret just issued."""
    return ApiClientWithSecret.model_validate(
        {**api_client_public(client).model_dump(), "client_secret": secret}
    )


def api_client_created(client: ApiClient, token: str, secret: str) -> ApiClientCreated:
    """The API view of a new client with its token and secret."""
    return ApiClientCreated.model_validate(
        {**api_client_public(client).model_dump(), "token": token, "client_secret": secret}
    )
