"""Staff users of the caller's organisation."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status
from pydantic import Field

from api.deps import Admin, CurrentActor, Permission, SessionDep
from app.auth.actor import Actor
from app.errors import Forbidden
from app.organisation import service as organisations
from app.organisation.models import Locale, Role, User
from app.schemas import ApiModel

router = APIRouter(tags=["users"])

UserReader = Annotated[
    Actor,
    Depends(Permission(Role.admin, Role.case_handler, Role.privacy_officer, Role.legal, Role.manager)),
]


class UserPublic(ApiModel):
    """A staff user (never the password hash)."""

    id: uuid.UUID
    email: str
    name: str
    roles: list[Role]
    locale: Locale | None
    is_active: bool
    created_at: datetime


class UserCreate(ApiModel):
    """A new staff user; the password is set by the admin and changed by the user."""

    email: str = Field(min_length=3, max_length=254)
    name: str | None = Field(default=None, max_length=200)
    password: str = Field(min_length=1, max_length=1024)
    roles: list[Role] = Field(min_length=1)


def _public(user: User) -> UserPublic:
    return UserPublic.model_validate(user)


@router.get("/users/current", operation_id="getCurrentUser", summary="The logged-in user")
def get_current_user(actor: CurrentActor, session: SessionDep) -> UserPublic:
    """The user whose session token made this request."""
    if actor.user_id is None:
        raise Forbidden("API clients are not users.")
    return _public(
        organisations.get_user(session, organisation_id=actor.organisation_id, user_id=actor.user_id)
    )


@router.get("/users", operation_id="listUsers", summary="List users")
def list_users(actor: UserReader, session: SessionDep) -> list[UserPublic]:
    """All users of the organisation (for assigning case handlers and for administration)."""
    return [_public(u) for u in organisations.list_users(session, organisation_id=actor.organisation_id)]


@router.post(
    "/users", status_code=status.HTTP_201_CREATED, operation_id="createUser", summary="Create a user"
)
def create_user(body: UserCreate, actor: Admin, session: SessionDep, response: Response) -> UserPublic:
    """Create a staff user in the admin's organisation."""
    user = organisations.create_user(
        session,
        organisation_id=actor.organisation_id,
        email=body.email,
        password=body.password,
        roles=[r.value for r in body.roles],
        name=body.name,
        actor=actor,
    )
    response.headers["Location"] = f"/api/v1/users/{user.id}"
    return _public(user)
