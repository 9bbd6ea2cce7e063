"""My account: the logged-in user changes their password, name, language and notice preferences."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web import htmx
from web.client import Api, ApiError
from web.deps import Lang, Session, UserApi
from web.i18n import LOCALES
from web.notifications import DELIVERIES, NOTIFICATION_KINDS, Preference, mandatory_reason
from web.problems import FieldProblem
from web.refusal import refuse

router = APIRouter(include_in_schema=False)
PASSWORD_FIELDS = ("currentPassword", "newPassword", "repeatPassword")
PREFERENCE_FIELDS = ("name", "locale")
# An API field path of the preferences body (items/3/delivery) names the row it refuses.
ROW = re.compile(r"^items\W(\d+)")


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


def _ordered(preferences: list[Preference]) -> list[Preference]:
    """The kinds in the order the page explains them; kinds the UI does not know yet come last."""
    order = list(NOTIFICATION_KINDS)
    return sorted(preferences, key=lambda p: order.index(p.kind) if p.kind in order else len(order))


async def _notifications_context(api: Api) -> dict[str, Any]:
    return {
        "preferences": _ordered(await api.notification_preferences()),
        "kinds": NOTIFICATION_KINDS,
        "deliveries": DELIVERIES,
        "mandatory_reason": mandatory_reason,
    }


@router.get("/account/notifications")
async def notification_settings(request: Request, api: UserApi) -> Response:
    """How you are told of each kind of notice: immediately, in a daily digest, or not at all."""
    return htmx.render(request, "account/notifications.html", await _notifications_context(api))


def _by_kind(exc: ApiError, items: list[dict[str, str]]) -> ApiError:
    """The API's refusal with each row error named by its kind, so it shows next to that row."""
    problems = []
    for problem in exc.errors:
        row = ROW.match(problem.name)
        index = int(row.group(1)) if row else -1
        name = items[index]["kind"] if 0 <= index < len(items) else problem.name
        problems.append(FieldProblem(problem.location, name, problem.code, problem.detail))
    return ApiError(status=exc.status, detail=exc.detail, title=exc.title, errors=problems, type=exc.type)


@router.post("/account/notifications")
async def save_notification_settings(
    request: Request, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Save the choices; a mandatory kind stays immediate (the API refuses anything else)."""
    form = await request.form()
    items = [
        {"kind": key.removeprefix("delivery-"), "delivery": str(value)}
        for key, value in form.multi_items()
        if key.startswith("delivery-")
    ]
    try:
        await api.replace_notification_preferences(items)
    except ApiError as exc:

        async def page() -> tuple[str, dict[str, Any]]:
            return "account/notifications.html", await _notifications_context(api)

        return await refuse(
            request,
            lang,
            _by_kind(exc, items),
            fields=[item["kind"] for item in items if item["kind"] in NOTIFICATION_KINDS],
            form={item["kind"]: item["delivery"] for item in items},
            prefix="pref-",
            page=page,
        )
    session.flash("success", lang.gettext("Your notification settings are saved."))
    return htmx.redirect(request, "/account/notifications")
