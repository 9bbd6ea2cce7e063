"""Logging in and out, and the language switch."""

from __future__ import annotations

import contextlib
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from web import htmx
from web.client import ApiError
from web.deps import AnonymousApi, Lang, Session
from web.errors import describe
from web.forms import FIELD_MESSAGES
from web.i18n import LOCALES
from web.session import SessionUser

router = APIRouter(include_in_schema=False)
# Where a user goes whose password an administrator reset.
PASSWORD_CHANGE_URL = "/account/password"  # noqa: S105 (a page address)


def safe_next(value: str | None) -> str:
    """Only local paths: an open redirect would help phishing."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


@router.get("/login")
def login_page(
    request: Request, session: Session, next_: Annotated[str | None, Query(alias="next")] = None
) -> Response:
    """The login form."""
    if session.logged_in:
        return htmx.redirect(request, safe_next(next_))
    expired = session.expired
    return htmx.render(request, "login.html", {"next": safe_next(next_), "expired": expired, "form": {}})


@router.post("/login")
async def login(
    request: Request,
    api: AnonymousApi,
    session: Session,
    lang: Lang,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    organisation_slug: Annotated[str, Form(alias="organisation")] = "",
    next_: Annotated[str, Form(alias="next")] = "/",
) -> Response:
    """Log in through the API; the token stays in the encrypted cookie."""
    form = {"email": email, "organisation": organisation_slug}
    errors: dict[str, str] = {}
    if not email.strip():
        errors["email"] = lang.gettext("Fill in your e-mail address.")
    if not password:
        errors["password"] = lang.gettext("Fill in your password.")
    message = None
    if not errors:
        try:
            issued = await api.login(
                email=email.strip(),
                password=password,
                organisation=organisation_slug.strip() or None,
                client_address=request.client.host if request.client else None,
            )
        except ApiError as exc:
            if any(e.code == "organisation_required" for e in exc.errors):
                # The address and password fit accounts in several organisations: ask which one.
                which = FIELD_MESSAGES["organisation_required"]
                errors["organisation"] = lang.gettext(which)
            elif exc.status == 401:
                message = lang.gettext("The e-mail address or password is not correct.")
            elif exc.status == 429:
                message = lang.gettext(
                    "Too many failed attempts. The account is locked for a while; try again later."
                )
            else:
                message = describe(lang.gettext, exc, lang.code)
        else:
            session.token = issued.token
            session.expires_at = issued.expires_at
            zone = "Europe/Amsterdam"  # if the organisation cannot be read now; the login stands
            organisation_locale = None
            with contextlib.suppress(ApiError):
                organisation = (await api.as_user(issued.token).current_user()).organisation
                zone, organisation_locale = organisation.time_zone, organisation.default_locale
            session.user = SessionUser(
                id=issued.user.id,
                email=issued.user.email,
                name=issued.user.name,
                roles=issued.user.roles,
                time_zone=zone,
                locale=issued.user.locale,
                organisation_locale=organisation_locale,
                must_change_password=issued.user.must_change_password,
            )
            session.expired = False
            if issued.user.must_change_password:
                return htmx.redirect(request, PASSWORD_CHANGE_URL)
            return htmx.redirect(request, safe_next(next_))
    context = {"form": form, "errors": errors, "message": message, "next": safe_next(next_)}
    return htmx.render(request, "login.html", context, status_code=400 if errors else 401)


@router.post("/logout")
async def logout(request: Request, api: AnonymousApi, session: Session, lang: Lang) -> Response:
    """End the API session and forget the token."""
    if session.token:
        # An expired session is just as logged out.
        with contextlib.suppress(ApiError):
            await api.as_user(session.token).logout()
    session.end()
    session.flash("info", lang.gettext("You are logged out."))
    return htmx.redirect(request, "/login")


@router.get("/language/{code}")
def switch_language(
    request: Request, code: str, session: Session, next_: Annotated[str | None, Query(alias="next")] = None
) -> Response:
    """Switch the UI language (kept in the session cookie) and return to the page."""
    if code in LOCALES:
        session.language = code
    return htmx.redirect(request, safe_next(next_))
