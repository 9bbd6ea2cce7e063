"""Administration of users (add, edit name, roles, language, manager and active; reset passwords)
and of mail that could not be sent."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web import htmx
from web.client import Api, ApiError
from web.deps import Lang, Session, UserApi
from web.notifications import DELIVERIES, NOTIFICATION_KINDS
from web.refusal import refuse

router = APIRouter(include_in_schema=False)
USER_FIELDS = ("email", "name", "password", "roles", "managerId")
EDIT_FIELDS = ("name", "roles", "isActive", "locale", "managerId")


def edit_prefix(user_id: str) -> str:
    """The id prefix of one user's edit form on the users page."""
    return f"edit-{user_id}-"


async def _users_context(api: Api) -> dict[str, Any]:
    users = await api.list_users()
    # Who can be someone's manager: the active users with the manager role (told of their reports).
    managers = sorted((u for u in users if "manager" in u.roles and u.is_active), key=lambda u: u.name)
    return {"users": users, "managers": managers, "names": {u.id: u.name for u in users}}


def _whole_page(response: Response) -> Response:
    """For htmx: the answer (a page showing a secret once) replaces the current page."""
    response.headers["HX-Retarget"] = "body"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


@router.get("/admin/users")
async def users(request: Request, api: UserApi) -> Response:
    """The organisation's users, a form per user and a form to add one."""
    return htmx.render(request, "admin/users.html", await _users_context(api))


@router.post("/admin/users")
async def create_user(request: Request, api: UserApi, lang: Lang, session: Session) -> Response:
    """Add a user with roles; the admin passes the first password on safely."""
    form = await request.form()
    values: dict[str, Any] = {k: str(form.get(k) or "") for k in ("email", "name", "password", "managerId")}
    values["roles"] = [str(r) for r in form.getlist("roles")]
    body = {**values, "name": values["name"] or None, "managerId": values["managerId"] or None}
    try:
        created = await api.create_user(body)
    except ApiError as exc:

        async def page() -> tuple[str, dict[str, Any]]:
            return "admin/users.html", await _users_context(api)

        kept = {**values, "password": ""}
        return await refuse(request, lang, exc, fields=USER_FIELDS, form=kept, prefix="user-", page=page)
    session.flash("success", lang.gettext("User %(email)s is created.", email=created.email))
    return htmx.redirect(request, "/admin/users")


@router.post("/admin/users/{user_id}")
async def update_user(request: Request, user_id: str, api: UserApi, lang: Lang, session: Session) -> Response:
    """Change a user's name, roles, language and whether they can log in."""
    form = await request.form()
    values: dict[str, Any] = {
        "name": str(form.get("name") or ""),
        "roles": [str(r) for r in form.getlist("roles")],
        "isActive": form.get("isActive") == "true",
        "locale": str(form.get("locale") or ""),
        "managerId": str(form.get("managerId") or ""),
        "etag": str(form.get("etag") or ""),
    }
    body = {k: values[k] for k in ("name", "roles", "isActive")} | {
        "locale": values["locale"] or None,
        "managerId": values["managerId"] or None,
    }
    try:
        updated = await api.update_user(user_id, body, etag=values["etag"])
    except ApiError as exc:

        async def page() -> tuple[str, dict[str, Any]]:
            return "admin/users.html", {**await _users_context(api), "open_user": user_id}

        return await refuse(
            request,
            lang,
            exc,
            fields=EDIT_FIELDS,
            form=values,
            prefix=edit_prefix(user_id),
            page=page,
            extra={"open_user": user_id},
        )
    session.flash("success", lang.gettext("The changes to %(name)s are saved.", name=updated.name))
    return htmx.redirect(request, f"/admin/users#user-{user_id}")


@router.post("/admin/users/{user_id}/password-reset")
async def reset_password(request: Request, user_id: str, api: UserApi, lang: Lang) -> Response:
    """Give the user a temporary password, shown this once; they must change it at their next login."""
    try:
        user, password = await api.reset_password(user_id)
    except ApiError as exc:

        async def page() -> tuple[str, dict[str, Any]]:
            return "admin/users.html", {**await _users_context(api), "open_user": user_id}

        return await refuse(request, lang, exc, fields=(), form={}, prefix=f"reset-{user_id}-", page=page)
    context = {"reset_user": user, "secret": password}
    return _whole_page(htmx.render(request, "admin/user_password.html", context))


@router.get("/admin/mail")
async def mail(request: Request, api: UserApi) -> Response:
    """Mail that could not be sent after its retries, with a button to send each again."""
    cursor = request.query_params.get("cursor") or None
    items, next_cursor = await api.failed_mails(cursor=cursor)
    context = {
        "mails": items,
        "next_cursor": next_cursor,
        "paged": bool(cursor),
        "notice_kinds": {**NOTIFICATION_KINDS, "daily_digest": DELIVERIES["daily_digest"]},
    }
    return htmx.render(request, "admin/mail.html", context)


@router.post("/admin/mail/{mail_id}/retry")
async def retry_mail(request: Request, mail_id: str, api: UserApi, lang: Lang, session: Session) -> Response:
    """Queue a failed mail again; the job runner sends it."""
    await api.retry_mail(mail_id)
    session.flash("success", lang.gettext("The mail is queued to be sent again."))
    return htmx.redirect(request, "/admin/mail")
