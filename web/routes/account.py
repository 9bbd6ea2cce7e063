"""My account: the logged-in user changes their password, name and language preference."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web import htmx
from web.client import Api, ApiError
from web.deps import Lang, Session, UserApi
from web.i18n import LOCALES
from web.problems import FieldProblem
from web.refusal import refuse

router = APIRouter(include_in_schema=False)
PASSWORD_FIELDS = ("currentPassword", "newPassword", "repeatPassword")
PREFERENCE_FIELDS = ("name", "locale")


async def _account_context(api: Api) -> dict[str, Any]:
    return {"me": await api.current_user()}


@router.get("/account")
async def account(request: Request, api: UserApi) -> Response:
    """Your details, language preference and password."""
    return htmx.render(request, "account/index.html", await _account_context(api))


@router.get("/account/password")
async def password_page(request: Request, api: UserApi) -> Response:
    """The same page, opened at the password form (where a reset password leads)."""
    return htmx.render(request, "account/index.html", {**await _account_context(api), "focus": "password"})


@router.post("/account/password")
async def change_password(request: Request, api: UserApi, lang: Lang, session: Session) -> Response:
    """Change your password; the current one proves it is you."""
    form = await request.form()
    current = str(form.get("currentPassword") or "")
    new = str(form.get("newPassword") or "")
    repeat = str(form.get("repeatPassword") or "")

    async def page() -> tuple[str, dict[str, Any]]:
        return "account/index.html", await _account_context(api)

    try:
        if new and repeat != new:
            problem = FieldProblem("body", "repeatPassword", "repeat_mismatch", "does not match")
            raise ApiError(status=400, detail="The passwords do not match.", errors=[problem])
        await api.change_password(current=current, new=new)
    except ApiError as exc:
        # Password fields are never sent back to the browser.
        return await refuse(
            request, lang, exc, fields=PASSWORD_FIELDS, form={}, prefix="password-", page=page
        )
    forced = bool(session.user and session.user.must_change_password)
    if session.user:
        session.user.must_change_password = False
    session.flash("success", lang.gettext("Your password is changed."))
    return htmx.redirect(request, "/" if forced else "/account")


@router.post("/account/preferences")
async def save_preferences(request: Request, api: UserApi, lang: Lang, session: Session) -> Response:
    """Your name and language preference; the language applies at once and after every login."""
    form = await request.form()
    values = {"name": str(form.get("name") or ""), "locale": str(form.get("locale") or "")}
    locale = values["locale"] if values["locale"] in LOCALES else None
    try:
        updated = await api.update_current_user({"name": values["name"], "locale": locale})
    except ApiError as exc:

        async def page() -> tuple[str, dict[str, Any]]:
            return "account/index.html", await _account_context(api)

        return await refuse(
            request, lang, exc, fields=PREFERENCE_FIELDS, form=values, prefix="prefs-", page=page
        )
    if session.user:
        session.user.name = updated.name
        session.user.locale = updated.locale
    # The stored preference takes over from a language chosen earlier with the switch.
    session.language = None
    session.flash("success", lang.gettext("Your preferences are saved."))
    return htmx.redirect(request, "/account")
