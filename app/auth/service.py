"""Logging in and out, resolving bearer tokens, and API clients."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.auth import throttle, tokens
from app.auth.actor import ALL_SCOPES, Actor, Scope
from app.auth.models import ApiClient, AuthSession
from app.auth.passwords import hash_password, verify_password
from app.db import beside, reading, session_scope, utcnow
from app.errors import (
    DomainError,
    FieldError,
    Invalid,
    InvalidState,
    NotFound,
    TooManyRequests,
    Unauthenticated,
)
from app.organisation.models import Organisation, Role, User
from app.organisation.service import normalise_email, password_errors


class LoginFailed(Unauthenticated):
    """Wrong e-mail or password; the failure itself is recorded, so its writes are kept."""

    keep_writes = True

    def __init__(self) -> None:
        super().__init__("The e-mail address or password is not correct.")


class WrongPassword(Invalid):
    """The current password given to change it is wrong; the failure counts, so writes are kept."""

    keep_writes = True

    def __init__(self) -> None:
        super().__init__(
            "The current password is not correct.",
            [FieldError("currentPassword", "is not correct", code="wrong_password")],
        )


class PasswordChangeRequired(DomainError):
    """The password was reset by an admin: until the user sets their own, nothing else is allowed."""

    def __init__(self) -> None:
        super().__init__(
            "Change your password first (POST /users/current/password): it was reset by an administrator.",
            [],
            403,
            "Password change required",
            "password-change-required",
        )


class OrganisationRequired(DomainError):
    """The address and password fit accounts in several organisations: which one is meant (409)."""

    def __init__(self) -> None:
        super().__init__(
            "This e-mail address and password fit accounts in several organisations; "
            "log in again naming the organisation.",
            [FieldError("organisation", "name the organisation to log in to", code="organisation_required")],
            409,
            "Organisation required",
            "organisation-required",
        )


class LoginThrottled(TooManyRequests):
    """Too many failures for this address; recorded, so its writes are kept."""

    keep_writes = True


@dataclass(frozen=True)
class IssuedSession:
    """A new staff session; `token` is shown once and never stored."""

    token: str
    session: AuthSession
    user: User


@dataclass(frozen=True)
class LoginPolicy:
    """Throttling (per client address and account, and per client address) and session lifetime."""

    max_failures: int = 5
    max_address_failures: int = 20
    lockout_seconds: int = 900
    session_ttl: timedelta = timedelta(hours=8)

    @property
    def window(self) -> timedelta:
        return timedelta(seconds=self.lockout_seconds)


def _count_failure(session: Session, keys: throttle.Keys, policy: LoginPolicy) -> None:
    throttle.count_failure(
        session,
        keys,
        max_failures=policy.max_failures,
        max_address_failures=policy.max_address_failures,
        window=policy.window,
    )


def _throttled(session: Session, *, wait: int, label: str, origin: str | None) -> LoginThrottled:
    audit.record(
        session,
        action="session.create",
        organisation_id=None,
        actor_label=label,
        result="throttled",
        origin=origin,
    )
    return LoginThrottled("Too many failed logins from this address; try again later.", retry_after=wait)


@dataclass
class LoginAttempt:
    """What a login needs from the database before the password is checked (read-only)."""

    address: str
    origin: str | None
    keys: throttle.Keys
    user: User | None
    wait: int | None
    # Every account with this address (one per organisation at most), and whether the password
    # fitted more than one of them.
    candidates: list[User] = field(default_factory=list)
    ambiguous: bool = False


def begin_login(
    engine: Engine, *, email: str, origin: str | None, organisation: str | None = None
) -> LoginAttempt:
    """Read the throttle and the user in a read-only transaction (no SQLite write lock)."""
    address = normalise_email(email)
    keys = throttle.keys_for(address, origin)
    with Session(reading(engine), expire_on_commit=False) as reader:
        wait = throttle.locked_for(reader, keys)
        candidates = _login_candidates(reader, address, organisation) if wait is None else []
    user = candidates[0] if candidates else None
    return LoginAttempt(
        address=address, origin=origin, keys=keys, user=user, wait=wait, candidates=candidates
    )


# An address is unique per organisation; bound the password checks one login may cost.
MAX_LOGIN_ACCOUNTS = 5


def _login_candidates(session: Session, address: str, organisation: str | None) -> list[User]:
    stmt = select(User).where(User.email == address)
    if organisation:
        stmt = stmt.join(Organisation, col(Organisation.id) == col(User.organisation_id)).where(
            Organisation.slug == organisation.strip().lower()
        )
    return list(session.exec(stmt.order_by(col(User.organisation_id)).limit(MAX_LOGIN_ACCOUNTS)).all())


def check_password(attempt: LoginAttempt, password: str) -> bool:
    """argon2: slow on purpose, so it runs outside any transaction (and as long without a user)."""
    if attempt.wait is not None:
        return False
    if len(attempt.candidates) <= 1:
        return verify_password(password, attempt.user.password_hash if attempt.user else None)
    # One address in several organisations: the account this password belongs to. Every
    # candidate is checked, so the time taken does not tell which one (or whether any) fitted.
    fits = [u for u in attempt.candidates if verify_password(password, u.password_hash)]
    if len(fits) > 1:
        attempt.ambiguous = True
        return False
    if fits:
        attempt.user = fits[0]
    return bool(fits)


def finish_login(
    engine: Engine, attempt: LoginAttempt, *, ok: bool, key: str, policy: LoginPolicy
) -> IssuedSession:
    """Write the outcome with its audit event in one short transaction; raise for a refusal."""
    if attempt.ambiguous:  # the password is right for several accounts: no failure to count
        raise OrganisationRequired()
    issued: IssuedSession | None = None
    refused: DomainError = LoginFailed()
    with session_scope(engine) as writer:
        if attempt.wait is not None:
            refused = _throttled(writer, wait=attempt.wait, label=attempt.address, origin=attempt.origin)
        else:
            issued = _record_login(writer, attempt, ok=ok, key=key, policy=policy)
    if issued is None:
        raise refused
    return issued


def _record_login(
    session: Session, attempt: LoginAttempt, *, ok: bool, key: str, policy: LoginPolicy
) -> IssuedSession | None:
    user = attempt.user
    if ok and user is not None:
        # Read again in the write transaction: deactivated or changed while argon2 ran.
        current = session.get(User, user.id)
        ok = current is not None and current.is_active and current.password_hash == user.password_hash
        user = current
    if not ok or user is None or not user.is_active:
        _count_failure(session, attempt.keys, policy)
        audit.record(
            session,
            action="session.create",
            organisation_id=user.organisation_id if user else None,
            actor_label=attempt.address,
            object_type="user" if user else None,
            object_id=user.id if user else None,
            result="failure",
            origin=attempt.origin,
        )
        return None
    throttle.forget_account(session, attempt.keys)
    token = tokens.new_token(tokens.SESSION_PREFIX)
    auth_session = AuthSession(
        user_id=user.id,
        organisation_id=user.organisation_id,
        token_digest=tokens.digest(token, key),
        expires_at=utcnow() + policy.session_ttl,
        origin=attempt.origin,
    )
    session.add(auth_session)
    session.flush()
    audit.record(
        session,
        action="session.create",
        organisation_id=user.organisation_id,
        actor_label=attempt.address,
        object_type="user",
        object_id=user.id,
        origin=attempt.origin,
        details={"sessionId": str(auth_session.id)},
    )
    return IssuedSession(token=token, session=auth_session, user=user)


def login(
    engine: Engine,
    *,
    email: str,
    password: str,
    key: str,
    policy: LoginPolicy,
    origin: str | None,
) -> IssuedSession:
    """Check the password and open a session; failures are throttled and audited.

    Nothing slow happens inside a transaction: the throttle and the user are read in a read-only
    one, argon2 runs outside any, and the outcome is written in a short write transaction. The
    API runs the three steps itself, argon2 in a pool of its own (api/routes/sessions.py).
    """
    attempt = begin_login(engine, email=email, origin=origin)
    ok = check_password(attempt, password)
    return finish_login(engine, attempt, ok=ok, key=key, policy=policy)


@dataclass(frozen=True)
class PasswordChangeCheck:
    """The slow part of a password change (argon2), done against the hash read before the change's
    transaction: whether the current password fits, whether the new one is the same, its hash."""

    checked_hash: str
    current_ok: bool
    same: bool
    new_hash: str | None


def prepare_password_change(
    reader: Session, *, user: User, actor: Actor, current: str, new: str
) -> PasswordChangeCheck | None:
    """check_password_change before the change's transaction (`reader`: a read of its own, ended
    before argon2 runs); None while the throttle refuses the change anyway."""
    locked = throttle.locked_for(reader, throttle.keys_for(user.email, actor.origin))
    reader.expunge(user)  # keeps what was read
    reader.rollback()  # no transaction (nor pooled connection) held while argon2 runs
    if locked is not None:
        return None
    return check_password_change(user, current=current, new=new)


def check_password_change(user: User, *, current: str, new: str) -> PasswordChangeCheck:
    """argon2 outside any transaction, for change_password (nothing is checked for a refused form)."""
    if not current or password_errors(new, email=user.email, field="newPassword"):
        return PasswordChangeCheck(user.password_hash, current_ok=False, same=False, new_hash=None)
    current_ok = verify_password(current, user.password_hash)
    same = current_ok and verify_password(new, user.password_hash)
    new_hash = hash_password(new) if current_ok and not same else None
    return PasswordChangeCheck(user.password_hash, current_ok=current_ok, same=same, new_hash=new_hash)


def change_password(
    session: Session,
    *,
    user: User,
    actor: Actor,
    current: str,
    new: str,
    policy: LoginPolicy,
    checked: PasswordChangeCheck | None = None,
) -> User:
    """The user sets a new password, proving the current one; wrong attempts count like failed logins.

    Their other sessions end; the one making the change stays. `checked`: check_password_change
    done before the transaction (argon2 is slow on purpose and must not run under the write
    lock); if the password changed in between, it is checked again here.
    """
    from app.organisation.service import end_sessions

    keys = throttle.keys_for(user.email, actor.origin)
    wait = throttle.locked_for(session, keys)
    if wait is not None:
        raise _throttled(session, wait=wait, label=user.email, origin=actor.origin)
    errors = []
    if not current:
        errors.append(FieldError("currentPassword", "required", code="required"))
    errors += password_errors(new, email=user.email, field="newPassword")
    if errors:
        raise Invalid("The new password is not accepted.", errors)
    if checked is None or checked.checked_hash != user.password_hash:
        checked = check_password_change(user, current=current, new=new)
    if not checked.current_ok:
        _count_failure(session, keys, policy)
        audit.record(
            session,
            action="user.password_change",
            organisation_id=user.organisation_id,
            actor=actor,
            object_type="user",
            object_id=user.id,
            result="failure",
        )
        raise WrongPassword()
    if checked.same or checked.new_hash is None:
        raise Invalid(
            "The new password is the same as the current one.",
            [FieldError("newPassword", "must differ from the current password", code="unchanged")],
        )
    user.password_hash = checked.new_hash
    user.must_change_password = False
    user.version += 1
    session.add(user)
    ended = end_sessions(session, user=user, keep=actor.session_id)
    session.flush()
    audit.record(
        session,
        action="user.password_change",
        organisation_id=user.organisation_id,
        actor=actor,
        object_type="user",
        object_id=user.id,
        details={"sessionsEnded": ended},
    )
    return user


def logout(session: Session, *, actor: Actor) -> None:
    """End the caller's session."""
    if actor.session_id is None:
        raise Invalid("Only a staff session can be logged out; API clients are revoked instead.")
    auth_session = session.get(AuthSession, actor.session_id)
    if auth_session and auth_session.revoked_at is None:
        auth_session.revoked_at = utcnow()
        session.add(auth_session)
    audit.record(
        session,
        action="session.delete",
        organisation_id=actor.organisation_id,
        actor=actor,
        object_type="user",
        object_id=actor.user_id,
    )


def _note_use(session: Session, client: ApiClient, now: datetime) -> None:
    """Record when a client was last seen (beside a read, which may not write)."""
    with beside(session) as writer:
        writer.exec(update(ApiClient).where(col(ApiClient.id) == client.id).values(last_used_at=now))


def authenticate(session: Session, *, token: str, key: str, origin: str | None) -> Actor:
    """The actor behind a bearer token, or Unauthenticated (expired, revoked, unknown, forged)."""
    token_digest = tokens.digest(token, key)
    now = utcnow()
    if token.startswith(tokens.SESSION_PREFIX):
        # The session and its user in one query (every request with a session token asks).
        found = session.exec(
            select(AuthSession, User)
            .join(User, col(User.id) == col(AuthSession.user_id))
            .where(AuthSession.token_digest == token_digest)
        ).first()
        if found is None or found[0].revoked_at is not None:
            raise Unauthenticated("The token is not valid.")
        auth_session, user = found
        if auth_session.expires_at <= now:
            raise Unauthenticated("The session has expired; log in again.")
        if not user.is_active:
            raise Unauthenticated("The token is not valid.")
        return Actor(
            kind="user",
            organisation_id=user.organisation_id,
            label=user.email,
            user_id=user.id,
            roles=frozenset(Role(r) for r in user.roles),
            origin=origin,
            session_id=auth_session.id,
            must_change_password=user.must_change_password,
        )
    if token.startswith(tokens.CLIENT_PREFIX):
        client = session.exec(select(ApiClient).where(ApiClient.token_digest == token_digest)).first()
        if client is None or client.revoked_at is not None:
            raise Unauthenticated("The token is not valid.")
        if client.last_used_at is None or now - client.last_used_at > LAST_USED_GRANULARITY:
            _note_use(session, client, now)  # coarse, so that not every request writes
        return Actor(
            kind="apiClient",
            organisation_id=client.organisation_id,
            label=client.name,
            client_id=client.id,
            scopes=frozenset(Scope(s) for s in client.scopes),
            origin=origin,
        )
    if token.startswith(tokens.ACCESS_PREFIX):
        from app.auth import oauth

        return oauth.authenticate(session, token=token, key=key, origin=origin)
    raise Unauthenticated("The token is not valid.")


LAST_USED_GRANULARITY = timedelta(minutes=5)


def parse_scopes(raw: str) -> list[Scope]:
    """'all' or a comma-separated list of scope names."""
    if raw.strip() == "all":
        return sorted(ALL_SCOPES)
    names = [s.strip() for s in raw.split(",") if s.strip()]
    allowed = {s.value for s in Scope}
    unknown = [n for n in names if n not in allowed]
    if unknown or not names:
        raise Invalid(
            "Unknown or missing scope.",
            [FieldError("scopes", f"unknown scope(s) {unknown}; allowed: all, {sorted(allowed)}")],
        )
    return [Scope(n) for n in dict.fromkeys(names)]


def create_api_client(
    session: Session,
    *,
    organisation_id: uuid.UUID,
    name: str,
    scopes: list[Scope],
    key: str,
    actor: Actor | None = None,
) -> tuple[ApiClient, str]:
    """A new API client and its secret token (returned once, stored as a digest)."""
    if not name.strip():
        raise Invalid("The API client is not valid.", [FieldError("name", "must not be empty")])
    token = tokens.new_token(tokens.CLIENT_PREFIX)
    client = ApiClient(
        organisation_id=organisation_id,
        name=name.strip(),
        scopes=[s.value for s in scopes],
        token_digest=tokens.digest(token, key),
        token_hint=token[:8],
    )
    session.add(client)
    session.flush()
    audit.record(
        session,
        action="api_client.create",
        organisation_id=organisation_id,
        actor=actor,
        actor_label=None if actor else "cli",
        object_type="api_client",
        object_id=client.id,
        details={"scopes": client.scopes},
    )
    return client, token


def expires_in_seconds(expires_at: datetime) -> int:
    """Seconds until the moment, never negative."""
    return max(0, int((expires_at - utcnow()).total_seconds()))


# --- API client administration ---------------------------------------------------------------


def list_api_clients(session: Session, *, organisation_id: uuid.UUID) -> list[ApiClient]:
    """The organisation's API clients, revoked ones included, oldest first."""
    stmt = (
        select(ApiClient)
        .where(ApiClient.organisation_id == organisation_id)
        .order_by(col(ApiClient.created_at), col(ApiClient.id))
    )
    return list(session.exec(stmt).all())


def get_api_client(session: Session, *, organisation_id: uuid.UUID, api_client_id: uuid.UUID) -> ApiClient:
    """One API client of the organisation, or NotFound."""
    client = session.get(ApiClient, api_client_id)
    if client is None or client.organisation_id != organisation_id:
        raise NotFound("API client")
    return client


def rotate_api_client(
    session: Session, *, client: ApiClient, key: str, actor: Actor | None = None
) -> tuple[ApiClient, str]:
    """Issue a new secret token; the old one stops working at once."""
    if client.revoked_at is not None:
        raise InvalidState("A revoked API client cannot get a new token; create a new client.")
    token = tokens.new_token(tokens.CLIENT_PREFIX)
    client.token_digest = tokens.digest(token, key)
    client.token_hint = token[:8]
    session.add(client)
    session.flush()
    audit.record(
        session,
        action="api_client.rotate",
        organisation_id=client.organisation_id,
        actor=actor,
        actor_label=None if actor else "cli",
        object_type="api_client",
        object_id=client.id,
    )
    return client, token


def revoke_api_client(session: Session, *, client: ApiClient, actor: Actor | None = None) -> ApiClient:
    """Revoke the client: its token is refused from now on (repeating this changes nothing)."""
    if client.revoked_at is not None:
        return client
    client.revoked_at = utcnow()
    session.add(client)
    session.flush()
    audit.record(
        session,
        action="api_client.revoke",
        organisation_id=client.organisation_id,
        actor=actor,
        actor_label=None if actor else "cli",
        object_type="api_client",
        object_id=client.id,
    )
    return client
