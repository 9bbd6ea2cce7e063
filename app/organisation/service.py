"""Creating organisations and users (CLI and admin API)."""

from __future__ import annotations

import re
import secrets
import unicodedata
import uuid

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import concurrency
from app.audit import service as audit
from app.auth.actor import Actor
from app.auth.models import AuthSession
from app.auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from app.db import utcnow
from app.errors import Conflict, FieldError, Invalid, NotFound
from app.organisation.models import Country, Locale, Organisation, Role, User

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LEGAL_PACK_BY_COUNTRY = {Country.NL: "nl", Country.DK: "dk"}
LOCALE_BY_COUNTRY = {Country.NL: Locale.nl, Country.DK: Locale.da}


def normalise_email(email: str) -> str:
    """E-mail addresses compare case-insensitively and without surrounding blanks."""
    return email.strip().lower()


def create_organisation(session: Session, *, name: str, slug: str, country: str) -> Organisation:
    """A new tenant with the legal pack and locale of its country."""
    errors = []
    if not name.strip():
        errors.append(FieldError("name", "must not be empty", "required"))
    if not SLUG_RE.match(slug):
        errors.append(FieldError("slug", "lower-case letters, digits and hyphens, 1-63 long", "invalid_slug"))
    if country not in Country.__members__:
        errors.append(FieldError("country", "must be NL or DK", "invalid_country"))
    if errors:
        raise Invalid("The organisation is not valid.", errors)
    if session.exec(select(Organisation).where(Organisation.slug == slug)).first():
        raise Conflict(f"An organisation with slug '{slug}' already exists.")
    land = Country(country)
    organisation = Organisation(
        name=name.strip(),
        slug=slug,
        country=land.value,
        default_locale=LOCALE_BY_COUNTRY[land].value,
        legal_pack=LEGAL_PACK_BY_COUNTRY[land],
    )
    session.add(organisation)
    session.flush()
    audit.record(
        session,
        action="organisation.create",
        organisation_id=organisation.id,
        actor_label="cli",
        object_type="organisation",
        object_id=organisation.id,
        details={"slug": slug, "country": country},
    )
    return organisation


def get_organisation_by_slug(session: Session, *, slug: str) -> Organisation:
    """The organisation with this slug, or NotFound."""
    organisation = session.exec(select(Organisation).where(Organisation.slug == slug)).first()
    if organisation is None:
        raise NotFound(f"Organisation '{slug}'")
    return organisation


def parse_roles(raw: list[str]) -> list[Role]:
    """Roles from their names; unknown names are a field error."""
    unknown = [r for r in raw if r not in Role.__members__]
    if not raw:
        raise Invalid("Missing role.", [FieldError("roles", "at least one role", code="required")])
    if unknown:
        allowed = ", ".join(Role)
        raise Invalid(
            "Unknown role.",
            [FieldError("roles", f"unknown role(s) {unknown}; allowed: {allowed}", "unknown_role")],
        )
    return [Role(r) for r in dict.fromkeys(raw)]


def _blank(char: str) -> bool:
    # Spaces of every kind, control and invisible format characters (zero-width space, joiners,
    # bidi marks): they pad a password without making it any harder to guess.
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp")


def password_errors(password: str, *, email: str, field: str = "password") -> list[FieldError]:
    """The password policy: at least 12 characters that are not spaces (or other blanks), not the
    e-mail address."""
    if not password:
        return [FieldError(field, "required", code="required")]
    visible = sum(1 for char in password if not _blank(char))
    if visible == 0:
        return [FieldError(field, "must not be only spaces", code="password_blank")]
    if visible < MIN_PASSWORD_LENGTH <= len(password):
        return [
            FieldError(
                field,
                f"spaces and invisible characters do not count: needs at least {MIN_PASSWORD_LENGTH} "
                "other characters",
                code="password_padded",
            )
        ]
    if visible < MIN_PASSWORD_LENGTH:
        return [
            FieldError(field, f"must be at least {MIN_PASSWORD_LENGTH} characters", code="password_too_short")
        ]
    if normalise_email(password) == normalise_email(email):
        return [FieldError(field, "must not be the e-mail address", code="same_as_email")]
    return []


def _email_taken() -> Conflict:
    return Conflict(
        "A user of this organisation already has this e-mail address.",
        [FieldError("email", "already a user of this organisation", code="email_unavailable")],
    )


def _name_errors(name: str | None) -> list[FieldError]:
    if name is not None and not name.strip():
        return [FieldError("name", "must not be empty", code="required")]
    return []


def create_user(
    session: Session,
    *,
    organisation_id: uuid.UUID,
    email: str,
    password: str,
    roles: list[str],
    name: str | None = None,
    actor: Actor | None = None,
    manager_id: uuid.UUID | None = None,
    password_hash: str | None = None,
) -> User:
    """A new staff user with an argon2id password hash.

    `password_hash`: hash_password(password), computed by the caller before the transaction began
    (argon2 is slow on purpose and must not run while the write lock is held).
    """
    address = normalise_email(email)
    errors = []
    if not address:
        errors.append(FieldError("email", "required", code="required"))
    elif not EMAIL_RE.match(address):
        errors.append(FieldError("email", "must be an e-mail address", code="not_email"))
    errors += password_errors(password, email=address)
    errors += manager_errors(session, organisation_id=organisation_id, manager_id=manager_id, user_id=None)
    try:
        parsed = parse_roles(roles)
    except Invalid as exc:
        errors.extend(exc.errors)
        parsed = []
    if errors:
        raise Invalid("The user is not valid.", errors)
    # Addresses are unique per organisation: one registered in another organisation is no
    # obstacle, so the admin of one municipality learns nothing about who works at another.
    taken = select(User.id).where(User.organisation_id == organisation_id, col(User.email) == address)
    if session.exec(taken).first() is not None:
        raise _email_taken()
    user = User(
        organisation_id=organisation_id,
        email=address,
        name=(name or address.split("@")[0]).strip(),
        password_hash=password_hash or hash_password(password),
        roles=[r.value for r in parsed],
        manager_id=manager_id,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # the same address added at the same moment
        raise _email_taken() from exc
    audit.record(
        session,
        action="user.create",
        organisation_id=organisation_id,
        actor=actor,
        actor_label=None if actor else "cli",
        object_type="user",
        object_id=user.id,
        details={"roles": user.roles},
    )
    return user


def manager_errors(
    session: Session, *, organisation_id: uuid.UUID, manager_id: uuid.UUID | None, user_id: uuid.UUID | None
) -> list[FieldError]:
    """A manager must be another user of the same organisation."""
    if manager_id is None:
        return []
    if manager_id == user_id:
        return [FieldError("managerId", "a user cannot be their own manager", code="not_allowed")]
    manager = session.get(User, manager_id)
    if manager is None or manager.organisation_id != organisation_id:
        return [FieldError("managerId", "no such user in this organisation", code="unknown_user")]
    return []


def get_user(session: Session, *, organisation_id: uuid.UUID, user_id: uuid.UUID) -> User:
    """A user of the organisation, or NotFound (also for users of other organisations)."""
    user = session.get(User, user_id)
    if user is None or user.organisation_id != organisation_id:
        raise NotFound("User")
    return user


def list_users(session: Session, *, organisation_id: uuid.UUID) -> list[User]:
    """All users of the organisation, by e-mail."""
    stmt = select(User).where(User.organisation_id == organisation_id).order_by(col(User.email))
    return list(session.exec(stmt).all())


# --- administration and the user's own account -------------------------------------------------

TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def etag(user: User) -> str:
    """The strong ETag of the user's version."""
    return concurrency.etag(user.version)


def end_sessions(session: Session, *, user: User, keep: uuid.UUID | None = None) -> int:
    """Revoke the user's open sessions (all but `keep`); how many were ended."""
    stmt = select(AuthSession).where(AuthSession.user_id == user.id, col(AuthSession.revoked_at).is_(None))
    now = utcnow()
    ended = 0
    for auth_session in session.exec(stmt).all():
        if auth_session.id == keep:
            continue
        auth_session.revoked_at = now
        session.add(auth_session)
        ended += 1
    return ended


def update_user(
    session: Session,
    *,
    user: User,
    actor: Actor,
    if_match: str | None,
    name: str | None = None,
    roles: list[str] | None = None,
    is_active: bool | None = None,
    locale: str | None = None,
    manager_id: uuid.UUID | None = None,
    fields: set[str],
) -> User:
    """An admin changes a user's name, roles, language, manager or active state (optimistic locking).

    `fields` names what the request contained (camelCase). An admin cannot lock themselves out:
    deactivating themselves or dropping their own admin role is refused.
    """
    errors: list[FieldError] = []
    if "name" in fields:
        errors += (
            _name_errors(name) if name is not None else [FieldError("name", "required", code="required")]
        )
    parsed: list[Role] = []
    if "roles" in fields:
        try:
            parsed = parse_roles(roles or [])
        except Invalid as exc:
            errors += exc.errors
    if "isActive" in fields and is_active is None:
        errors.append(FieldError("isActive", "must be true or false", code="required"))
    if "managerId" in fields:
        errors += manager_errors(
            session, organisation_id=user.organisation_id, manager_id=manager_id, user_id=user.id
        )
    if errors:
        raise Invalid("The change is not valid.", errors)
    concurrency.check_if_match(current=etag(user), if_match=if_match, what="the user")
    own = actor.user_id == user.id
    if own and "isActive" in fields and is_active is False:
        raise Conflict(
            "You cannot deactivate yourself; ask another administrator.",
            [FieldError("isActive", "you cannot deactivate yourself", code="self_deactivation")],
        )
    if own and "roles" in fields and Role.admin not in parsed:
        raise Conflict(
            "You cannot remove your own administrator role; ask another administrator.",
            [FieldError("roles", "you cannot remove your own admin role", code="self_demotion")],
        )
    details: dict[str, object] = {"fields": sorted(fields)}
    if "name" in fields and name is not None:
        user.name = name.strip()
    if "roles" in fields:
        details["roles"] = {"from": list(user.roles), "to": [r.value for r in parsed]}
        user.roles = [r.value for r in parsed]
    if "locale" in fields:
        user.locale = Locale(locale).value if locale else None
    if "managerId" in fields:
        user.manager_id = manager_id
    action = "user.update"
    if "isActive" in fields and is_active is not None and is_active != user.is_active:
        user.is_active = is_active
        action = "user.reactivate" if is_active else "user.deactivate"
        if not is_active:
            details["sessionsEnded"] = end_sessions(session, user=user)
    user.version += 1
    session.add(user)
    session.flush()
    audit.record(
        session,
        action=action,
        organisation_id=user.organisation_id,
        actor=actor,
        object_type="user",
        object_id=user.id,
        details=details,
    )
    return user


def update_own_account(
    session: Session, *, user: User, actor: Actor, name: str | None, locale: str | None, fields: set[str]
) -> User:
    """The user changes their own name or language preference (null: the organisation's default)."""
    if "name" in fields:
        errors = _name_errors(name) if name is not None else [FieldError("name", "required", code="required")]
        if errors:
            raise Invalid("The change is not valid.", errors)
        user.name = (name or "").strip()
    if "locale" in fields:
        user.locale = Locale(locale).value if locale else None
    user.version += 1
    session.add(user)
    session.flush()
    audit.record(
        session,
        action="user.update",
        organisation_id=user.organisation_id,
        actor=actor,
        object_type="user",
        object_id=user.id,
        details={"fields": sorted(fields), "own": True},
    )
    return user


def temporary_password() -> str:
    """A random password that is easy to read out: four groups of four, no look-alike characters."""
    groups = ("".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


def reset_password(session: Session, *, user: User, actor: Actor) -> tuple[User, str]:
    """A new temporary password (returned once, never stored or logged); the user must change it.

    The user's sessions end, so whoever had their old password is out.
    """
    password = temporary_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.version += 1
    session.add(user)
    ended = end_sessions(session, user=user)
    session.flush()
    audit.record(
        session,
        action="user.password_reset",
        organisation_id=user.organisation_id,
        actor=actor,
        object_type="user",
        object_id=user.id,
        details={"sessionsEnded": ended},
    )
    return user, password
