"""Staff users of the caller's organisation, and the logged-in user's own account."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Request, Response, status
from pydantic import ConfigDict, Field
from sqlmodel import Session

from api.deps import Admin, CurrentActor, Permission, SessionDep, SettingsDep, TransactionRoute, get_engine
from api.sync import NOT_MODIFIED, IfNoneMatch, check_not_modified
from app.auth import service as auth
from app.auth.actor import Actor
from app.auth.passwords import hash_password
from app.db import reading
from app.errors import Conflict, FieldError, Forbidden, NotFound
from app.organisation import service as organisations
from app.organisation.models import Locale, Organisation, Role, User
from app.organisation.schemas import OrganisationSummary
from app.schemas import ApiModel, cannot_be_cleared

router = APIRouter(tags=["users"], route_class=TransactionRoute)

USER_READ = Permission(Role.admin, Role.case_handler, Role.privacy_officer, Role.legal, Role.manager)
UserReader = Annotated[Actor, Depends(USER_READ)]
UserId = Annotated[uuid.UUID, Path(alias="userId")]


class UserPublic(ApiModel):
    """A staff user (never the password hash)."""

    id: uuid.UUID
    email: str
    name: str
    roles: list[Role]
    locale: Locale | None = Field(description="Language preference; null: the organisation's default.")
    manager_id: uuid.UUID | None = Field(
        default=None,
        description="The user's manager (a user of the same organisation), told of their reports.",
    )
    is_active: bool = Field(description="A deactivated user cannot log in.")
    must_change_password: bool = Field(
        description="The password was reset: the user must choose a new one before anything else."
    )
    version: int = Field(description="Also sent as the ETag; send it as If-Match to change the user.")
    created_at: datetime


class CurrentUserPublic(UserPublic):
    """The logged-in user with their organisation (its language and time zone)."""

    organisation: OrganisationSummary


class UserCreate(ApiModel):
    """A new staff user; the password is set by the admin and changed by the user."""

    email: str = Field(max_length=254)
    name: str | None = Field(default=None, max_length=200)
    password: str = Field(
        max_length=1024,
        description="At least 12 characters other than spaces and invisible characters; not the "
        "e-mail address.",
    )
    roles: list[Role] = Field(max_length=len(Role))
    manager_id: uuid.UUID | None = Field(
        default=None, description="The user's manager, told of their reports."
    )


class UserUpdate(ApiModel):
    """An admin's change to a user (merge patch): name, roles, language, active or not."""

    model_config = ConfigDict(json_schema_extra=cannot_be_cleared("name", "roles", "is_active"))

    name: str | None = Field(default=None, max_length=200)
    roles: list[Role] | None = Field(default=None, max_length=len(Role))
    is_active: bool | None = Field(
        default=None, description="false deactivates: the user cannot log in and their sessions end."
    )
    locale: Locale | None = None
    manager_id: uuid.UUID | None = Field(default=None, description="null: no manager.")


class CurrentUserUpdate(ApiModel):
    """The user's own name and language preference (null: the organisation's default)."""

    model_config = ConfigDict(json_schema_extra=cannot_be_cleared("name"))

    name: str | None = Field(default=None, max_length=200)
    locale: Locale | None = None


class PasswordChange(ApiModel):
    """The current password, to prove it is the user, and the new one."""

    current_password: str = Field(max_length=1024)
    new_password: str = Field(
        max_length=1024,
        description="At least 12 characters other than spaces and invisible characters; not the "
        "e-mail address.",
    )


class PasswordReset(ApiModel):
    """A temporary password, shown this once; the user must change it at their next login."""

    temporary_password: str = Field(description="Not stored and never shown again; pass it on safely.")
    user: UserPublic


def _public(user: User) -> UserPublic:
    return UserPublic.model_validate(user)


def _camel_fields(body: ApiModel) -> set[str]:
    names = {"is_active": "isActive", "manager_id": "managerId"}
    return {names.get(f, f) for f in body.model_fields_set}


def _own_user(actor: Actor, session: SessionDep) -> User:
    if actor.user_id is None:
        raise Forbidden("API clients are not users.")
    return organisations.get_user(session, organisation_id=actor.organisation_id, user_id=actor.user_id)


@router.get("/users/current", operation_id="getCurrentUser", summary="The logged-in user")
def get_current_user(actor: CurrentActor, session: SessionDep, response: Response) -> CurrentUserPublic:
    """The user whose session token made this request, with their organisation."""
    user = _own_user(actor, session)
    organisation = session.get(Organisation, user.organisation_id)
    if organisation is None:
        raise NotFound("Organisation")
    response.headers["ETag"] = organisations.etag(user)
    return CurrentUserPublic.model_validate(
        {**_public(user).model_dump(), "organisation": OrganisationSummary.of(organisation)}
    )


@router.patch("/users/current", operation_id="updateCurrentUser", summary="Change your own account")
def update_current_user(
    body: CurrentUserUpdate, actor: CurrentActor, session: SessionDep, response: Response
) -> UserPublic:
    """Your own name and language preference (the UI uses the language after login)."""
    user = organisations.update_own_account(
        session,
        user=_own_user(actor, session),
        actor=actor,
        name=body.name,
        locale=body.locale.value if body.locale else None,
        fields=_camel_fields(body),
    )
    response.headers["ETag"] = organisations.etag(user)
    return _public(user)


@router.post(
    "/users/current/password",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="changeCurrentUserPassword",
    summary="Change your own password",
)
def change_password(
    body: PasswordChange, actor: CurrentActor, session: SessionDep, settings: SettingsDep, request: Request
) -> Response:
    """Set a new password; a wrong current password counts as a failed login (and is throttled).

    Your other sessions end; this one stays.
    """
    policy = auth.LoginPolicy(
        max_failures=settings.login_max_failures,
        lockout_seconds=settings.login_lockout_seconds,
        session_ttl=timedelta(minutes=settings.session_ttl_minutes),
    )
    # argon2 first, against the user read in a read of its own; then the short write.
    with Session(reading(get_engine(request)), expire_on_commit=False) as reader:
        checked = auth.prepare_password_change(
            reader,
            user=_own_user(actor, reader),
            actor=actor,
            current=body.current_password,
            new=body.new_password,
        )
    auth.change_password(
        session,
        user=_own_user(actor, session),
        actor=actor,
        current=body.current_password,
        new=body.new_password,
        policy=policy,
        checked=checked,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/users", operation_id="listUsers", summary="List users")
def list_users(actor: UserReader, session: SessionDep) -> list[UserPublic]:
    """All users of the organisation (for assigning case handlers and for administration)."""
    return [_public(u) for u in organisations.list_users(session, organisation_id=actor.organisation_id)]


@router.post(
    "/users", status_code=status.HTTP_201_CREATED, operation_id="createUser", summary="Create a user"
)
def create_user(body: UserCreate, actor: Admin, session: SessionDep, response: Response) -> UserPublic:
    """Create a staff user in the admin's organisation.

    An e-mail address that is already in use (here or elsewhere) gets the same 409 answer.
    """
    password_hash = hash_password(body.password)  # argon2 before the write transaction begins
    user = organisations.create_user(
        session,
        password_hash=password_hash,
        organisation_id=actor.organisation_id,
        email=body.email,
        password=body.password,
        roles=[r.value for r in body.roles],
        name=body.name,
        actor=actor,
        manager_id=body.manager_id,
    )
    response.headers["Location"] = f"/api/v1/users/{user.id}"
    response.headers["ETag"] = organisations.etag(user)
    return _public(user)


@router.get("/users/{userId}", operation_id="getUser", summary="Get a user", responses=NOT_MODIFIED)
def get_user(
    user_id: UserId,
    actor: UserReader,
    session: SessionDep,
    response: Response,
    if_none_match: IfNoneMatch = None,
) -> UserPublic:
    """One user of the organisation; its ETag is needed to change it (If-None-Match with it: 304
    while current)."""
    user = organisations.get_user(session, organisation_id=actor.organisation_id, user_id=user_id)
    tag = organisations.etag(user)
    check_not_modified(if_none_match, tag)
    response.headers["ETag"] = tag
    return _public(user)


@router.patch("/users/{userId}", operation_id="updateUser", summary="Change a user")
def update_user(
    user_id: UserId,
    body: UserUpdate,
    actor: Admin,
    session: SessionDep,
    response: Response,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> UserPublic:
    """Change name, roles, language, manager or active state; needs If-Match.

    Deactivating ends the user's sessions. You cannot deactivate yourself or remove your own
    admin role (409, codes self_deactivation and self_demotion).
    """
    user = organisations.get_user(session, organisation_id=actor.organisation_id, user_id=user_id)
    updated = organisations.update_user(
        session,
        user=user,
        actor=actor,
        if_match=if_match,
        name=body.name,
        roles=[r.value for r in body.roles] if body.roles is not None else None,
        is_active=body.is_active,
        locale=body.locale.value if body.locale else None,
        manager_id=body.manager_id,
        fields=_camel_fields(body),
    )
    response.headers["ETag"] = organisations.etag(updated)
    return _public(updated)


@router.post(
    "/users/{userId}/password-resets",
    status_code=status.HTTP_201_CREATED,
    operation_id="resetUserPassword",
    summary="Reset a user's password",
)
def reset_password(user_id: UserId, actor: Admin, session: SessionDep, request: Request) -> PasswordReset:
    """A temporary password, returned this once; the user's sessions end and at their next login
    they must choose a new password. Your own password you change under /users/current/password."""
    user = organisations.get_user(session, organisation_id=actor.organisation_id, user_id=user_id)
    if user.id == actor.user_id:
        raise Conflict(
            "Change your own password under My account instead.",
            [FieldError("userId", "this is you", code="self_reset", location="path")],
        )
    updated, password = organisations.reset_password(session, user=user, actor=actor)
    return PasswordReset(temporary_password=password, user=_public(updated))
