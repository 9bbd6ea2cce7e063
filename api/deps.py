"""Request dependencies as named Annotated aliases: the session, the actor, loaded resources."""

from __future__ import annotations

import functools
import inspect
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

import anyio.to_thread
from anyio import CancelScope, CapacityLimiter
from fastapi import Depends, Header, Path, Query, Request
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session

from api import ratelimit
from app.auth import service as auth
from app.auth.actor import Actor, Scope
from app.config import Settings
from app.db import is_reading, is_sqlite, reading
from app.errors import DomainError, Forbidden, Unauthenticated
from app.incident import service as incidents
from app.incident.models import Incident
from app.organisation.models import Role


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with (async: no hop to a worker thread for this)."""
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> Engine:
    """The app's database engine."""
    engine: Engine = request.app.state.engine
    return engine


# GET operations that record something (custody and audit events of evidence access, exports):
# they take the write lock like any change. (A letter or receipt renders its PDF in a read and
# writes its audit event beside it, app.db.beside, so that no PDF is rendered under the lock.)
WRITING_READS = (
    "/evidence/{evidenceId}/content",
    "/incidents/{incidentId}/dossier",
    "/exports/gir",
    "/exports/safetynet",
    "/exports/gir.csv",
    "/exports/safetynet.csv",
)


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request: committed before the response is sent, rolled back on error.

    A GET reads in a snapshot without the write lock, unless its route records an access.

    Async on purpose: a session connects only at its first statement (in the operation's worker
    thread), so opening it here costs no I/O, and only its end goes to a worker thread. Every hop
    to a worker thread costs the event loop about 0.1 to 0.2 ms; a sync generator would take two.
    """
    engine = get_engine(request)
    route = request.scope.get("route")
    path = str(getattr(route, "path", ""))
    if request.method in ("GET", "HEAD") and not path.endswith(WRITING_READS):
        engine = reading(engine)
    session = Session(engine, expire_on_commit=False)
    session.info[REQUEST_SESSION] = True
    try:
        yield session
    except BaseException as exc:
        if not session.info.get(ENDED):
            await _end_in_thread(session, exc)
        raise
    else:
        if not session.info.get(ENDED):
            await _end_in_thread(session, None)


# session.info keys: the request's own session, and that its transaction has ended.
REQUEST_SESSION = "weerbaar.request_session"
ENDED = "weerbaar.ended"


async def _end_in_thread(session: Session, exc: BaseException | None) -> None:
    # Shielded (a client that goes away must not leave the transaction open) and with a limiter
    # of its own: ending a transaction must never wait for a worker that waits for a connection.
    with CancelScope(shield=True):
        await anyio.to_thread.run_sync(_end, session, exc, limiter=CapacityLimiter(1))


def _end(session: Session, exc: BaseException | None) -> None:
    """Commit, or roll back after an error (a domain error that keeps its writes commits them)."""
    session.info[ENDED] = True
    try:
        if exc is None or (isinstance(exc, DomainError) and exc.keep_writes):
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


class TransactionRoute(APIRoute):
    """An operation whose sync endpoint ends the request's transaction in its own worker thread.

    The endpoint already runs in a worker thread; committing (or rolling back) there, right after
    it returns or raises, spares the request one more hop to a worker thread for the session's
    end. The response is then built from what the endpoint returned, after the commit and with the
    session closed: operations return public models, never rows that would load more lazily.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = _ending_transaction(endpoint)
        super().__init__(path, endpoint, **kwargs)


def _ending_transaction(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(endpoint)
    def run(*args: Any, **kwargs: Any) -> Any:
        sessions = [v for v in kwargs.values() if isinstance(v, Session) and v.info.get(REQUEST_SESSION)]
        try:
            result = endpoint(*args, **kwargs)
        except BaseException as exc:
            for session in sessions:
                _end(session, exc)
            raise
        for session in sessions:
            _end(session, None)
        return result

    return run


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]

bearer = HTTPBearer(auto_error=False, description="A staff session token or an API client token.")


def client_origin(request: Request) -> str | None:
    """The caller's address, for the audit log."""
    return request.client.host if request.client else None


def get_actor(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    """The authenticated caller; 401 without a valid, unexpired bearer token."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("Send a bearer token: Authorization: Bearer <token>.")
    if is_reading(session) or not is_sqlite(get_engine(request)):
        # PostgreSQL takes no lock for a read: the request's own transaction checks the token.
        actor = auth.authenticate(
            session,
            token=credentials.credentials,
            key=request.app.state.secret_key,
            origin=client_origin(request),
        )
    else:
        # A change on SQLite takes the write lock at its first statement: the token is checked
        # before, in a read of its own, so that the lock is held only for the change itself.
        with Session(reading(get_engine(request))) as reader:
            actor = auth.authenticate(
                reader,
                token=credentials.credentials,
                key=request.app.state.secret_key,
                origin=client_origin(request),
            )
    if actor.must_change_password and not request.url.path.endswith(PASSWORD_CHANGE_PATHS):
        raise auth.PasswordChangeRequired()
    ratelimit.check_caller(request, actor)  # per API client or staff session, never per address
    return actor


# What a user whose password was reset may still do: see and change their account, log out.
PASSWORD_CHANGE_PATHS = ("/users/current", "/users/current/password", "/sessions/current")


CurrentActor = Annotated[Actor, Depends(get_actor)]


class Permission:
    """A route's permission: any of these roles for users, this scope for API clients."""

    def __init__(self, *roles: Role, scope: Scope | None = None) -> None:
        self.roles = roles
        self.scope = scope

    def allows(self, actor: Actor) -> bool:
        """Whether the actor passes (for content built from what the same operation would give)."""
        try:
            self.check_roles(actor)
        except Forbidden:
            return False
        return True

    async def __call__(self, actor: CurrentActor) -> Actor:
        # Async: it does no I/O, and a sync dependency would cost a hop to a worker thread.
        return self.check_roles(actor)

    def check_roles(self, actor: Actor) -> Actor:
        """The actor, if it has one of the roles (a user) or the scope (an API client); 403 otherwise."""
        if actor.kind == "apiClient":
            if self.scope is None or not actor.has_scope(self.scope):
                needed = self.scope.value if self.scope else "a staff session"
                raise Forbidden(f"This operation needs {needed}.")
            return actor
        if self.roles and not actor.has_role(*self.roles):
            raise Forbidden(f"This operation needs one of the roles: {', '.join(self.roles)}.")
        return actor


AuditReader = Annotated[Actor, Depends(Permission(Role.auditor, Role.admin, scope=Scope.audit_read))]
Admin = Annotated[Actor, Depends(Permission(Role.admin))]


def get_incident(
    session: SessionDep,
    actor: CurrentActor,
    incident_id: Annotated[uuid.UUID, Path(alias="incidentId")],
) -> Incident:
    """The incident in the path, if the caller may see it; 404 otherwise."""
    return incidents.get(session, incident_id=incident_id, actor=actor)


CurrentIncident = Annotated[Incident, Depends(get_incident)]


# The paging and concurrency parameters every list and change shares.
Cursor = Annotated[str | None, Query(max_length=200)]
Limit = Annotated[int, Query(ge=1, le=100)]
IfMatch = Annotated[str | None, Header(alias="If-Match")]


def next_link(request: Request, cursor: str | None) -> str | None:
    """The URL of the next page (this request's URL with the cursor), or None on the last page."""
    return str(request.url.include_query_params(cursor=cursor)) if cursor else None
