"""Staff login and logout."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, Request, Response, status
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from api.deps import CurrentActor, SessionDep, SettingsDep, TransactionRoute, client_origin, get_engine
from api.password_queue import PasswordQueue
from app.auth import service as auth
from app.config import Settings
from app.organisation.models import Locale, Role
from app.schemas import ApiModel

router = APIRouter(tags=["sessions"], route_class=TransactionRoute)


class LoginRequest(ApiModel):
    """E-mail and password of a staff user."""

    email: str = Field(min_length=3, max_length=254, examples=["coordinator@gemeente.nl"])
    password: str = Field(min_length=1, max_length=1024)
    organisation: str | None = Field(
        default=None,
        max_length=63,
        description="The organisation's slug; needed only when the address and password fit accounts "
        "in several organisations (409 organisation-required).",
        examples=["utrecht"],
    )


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


# Password checks run in a queue of their own (api.password_queue): a burst of failed logins waits
# there, holding no worker thread or connection, and a login from elsewhere goes first.
password_checks = PasswordQueue()


def login_policy(settings: Settings) -> auth.LoginPolicy:
    """The login throttle and session lifetime from the settings."""
    return auth.LoginPolicy(
        max_failures=settings.login_max_failures,
        max_address_failures=settings.login_max_address_failures,
        lockout_seconds=settings.login_lockout_seconds,
        session_ttl=timedelta(minutes=settings.session_ttl_minutes),
    )


@router.post(
    "/sessions",
    status_code=status.HTTP_201_CREATED,
    operation_id="createSession",
    summary="Log in",
    responses={
        409: {
            "description": "The address and password fit accounts in several organisations: send "
            "organisation too.",
            "headers": {"API-Version": {"$ref": "#/components/headers/API-Version"}},
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    },
)
async def create_session(body: LoginRequest, request: Request, settings: SettingsDep) -> SessionCreated:
    """Log in with e-mail and password; failed attempts are throttled and audited."""
    # Failures count per client address, and per client address and account: too many answer
    # 429 with Retry-After for that address only, so nobody can lock a user out from elsewhere.
    engine = get_engine(request)
    # No request transaction: read, verify outside any transaction, then write briefly.
    origin = client_origin(request)
    attempt = await run_in_threadpool(
        auth.begin_login,
        engine,
        email=body.email,
        origin=origin,
        organisation=body.organisation,
    )
    ok = await password_checks.check(origin, auth.check_password, attempt, body.password)
    if not ok and attempt.wait is None and not attempt.ambiguous:
        password_checks.failed(origin)
    issued = await run_in_threadpool(
        auth.finish_login,
        engine,
        attempt,
        ok=ok,
        key=request.app.state.secret_key,
        policy=login_policy(settings),
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
