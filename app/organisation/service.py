"""Creating organisations and users (CLI and admin API)."""

from __future__ import annotations

import re
import uuid

from sqlmodel import Session, col, select

from app.audit import service as audit
from app.auth.actor import Actor
from app.auth.passwords import MIN_PASSWORD_LENGTH, hash_password
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
        errors.append(FieldError("name", "must not be empty"))
    if not SLUG_RE.match(slug):
        errors.append(FieldError("slug", "lower-case letters, digits and hyphens, 1-63 long"))
    if country not in Country.__members__:
        errors.append(FieldError("country", "must be NL or DK"))
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
    if unknown or not raw:
        allowed = ", ".join(Role)
        raise Invalid(
            "Unknown or missing role.",
            [FieldError("roles", f"unknown role(s) {unknown}; allowed: {allowed}")],
        )
    return [Role(r) for r in dict.fromkeys(raw)]


def create_user(
    session: Session,
    *,
    organisation_id: uuid.UUID,
    email: str,
    password: str,
    roles: list[str],
    name: str | None = None,
    actor: Actor | None = None,
) -> User:
    """A new staff user with an argon2id password hash."""
    address = normalise_email(email)
    errors = []
    if not EMAIL_RE.match(address):
        errors.append(FieldError("email", "must be an e-mail address"))
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.append(FieldError("password", f"must be at least {MIN_PASSWORD_LENGTH} characters"))
    try:
        parsed = parse_roles(roles)
    except Invalid as exc:
        errors.extend(exc.errors)
        parsed = []
    if errors:
        raise Invalid("The user is not valid.", errors)
    if session.exec(select(User).where(col(User.email) == address)).first():
        raise Conflict("A user with this e-mail address already exists.")
    user = User(
        organisation_id=organisation_id,
        email=address,
        name=(name or address.split("@")[0]).strip(),
        password_hash=hash_password(password),
        roles=[r.value for r in parsed],
    )
    session.add(user)
    session.flush()
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
