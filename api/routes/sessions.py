"""Staff login and logout."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, Request, Response, status
from pydantic import Field

from api.deps import CurrentActor, SessionDep, SettingsDep, client_origin
from app.auth import service as auth
from app.organisation.models import Locale, Role
from app.schemas import ApiModel

router = APIRouter(tags=["sessions"])


class LoginRequest(ApiModel):
    """E-mail and password of a staff user."""

    email: str = Field(min_length=3, max_length=254, examples=["coordinator@gemeente.nl"])
    password: str = Field(min_length=1, max_length=1024)


class SessionUser(ApiModel):
    """The logged-in user."""

    id: str
    email: str
    name: str
    roles: list[Role]
    organisation_id: str
    locale: Locale | None = Field(description="The user's language preference, if any.")
    must_change_password: bool = Field(
        description="The password was reset: the user must change it before doing anything else."
    )


class SessionCreated(ApiModel):
    """A bearer token for the API; send it as Authorization: Bearer <token>."""

    token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme name, not a secret
    expires_at: datetime
    user: SessionUser


@router.post(
    "/sessions",
    status_code=status.HTTP_201_CREATED,
    operation_id="createSession",
    summary="Log in",
)
def create_session(
    body: LoginRequest, request: Request, session: SessionDep, settings: SettingsDep
) -> SessionCreated:
    """Log in with e-mail and password; failed attempts are throttled and audited."""
    policy = auth.LoginPolicy(
        max_failures=settings.login_max_failures,
        lockout_seconds=settings.login_lockout_seconds,
        session_ttl=timedelta(minutes=settings.session_ttl_minutes),
    )
    issued = auth.login(
        session,
        email=body.email,
        password=body.password,
        key=request.app.state.secret_key,
        policy=policy,
        origin=client_origin(request),
    )
    user = issued.user
    return SessionCreated(
        token=issued.token,
        expires_at=issued.session.expires_at,
        user=SessionUser(
            id=str(user.id),
            email=user.email,
            name=user.name,
            roles=[Role(r) for r in user.roles],
            organisation_id=str(user.organisation_id),
            locale=Locale(user.locale) if user.locale else None,
            must_change_password=user.must_change_password,
        ),
    )


@router.delete(
    "/sessions/current",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="deleteCurrentSession",
    summary="Log out",
)
def delete_current_session(actor: CurrentActor, session: SessionDep) -> Response:
    """End the session whose token made this request."""
    auth.logout(session, actor=actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
