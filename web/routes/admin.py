"""Administration: users (API clients and webhooks are in web.routes.integrations)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web import htmx
from web.client import ApiError
from web.deps import Lang, Session, UserApi
from web.errors import describe
from web.forms import field_errors
from web.i18n import Language

router = APIRouter(include_in_schema=False)
USER_FIELDS = ("email", "name", "password", "roles")


def _refused(
    request: Request,
    lang: Language,
    exc: ApiError,
    fields: tuple[str, ...],
    form: dict[str, Any],
    prefix: str,
) -> Response:
    if exc.status == 401:
        raise exc
    errors, rest = field_errors(lang.gettext, exc, fields)
    summary = (
        lang.gettext("Not saved: check the fields marked below.") if errors else describe(lang.gettext, exc)
    )
    context = {
        "form": form,
        "errors": errors,
        "messages": [summary, *rest],
        "fields": fields,
        "prefix": prefix,
    }
    return htmx.oob_only(request, "forms/errors_oob.html", context, status_code=exc.status)


@router.get("/admin/users")
async def users(request: Request, api: UserApi) -> Response:
    """The organisation's users and a form to add one."""
    return htmx.render(request, "admin/users.html", {"users": await api.list_users()})


@router.post("/admin/users")
async def create_user(request: Request, api: UserApi, lang: Lang, session: Session) -> Response:
    """Add a user with roles; the admin passes the first password on safely."""
    form = await request.form()
    values: dict[str, Any] = {k: str(form.get(k) or "") for k in ("email", "name", "password")}
    values["roles"] = [str(r) for r in form.getlist("roles")]
    body = {**values, "name": values["name"] or None}
    try:
        created = await api.create_user(body)
    except ApiError as exc:
        return _refused(request, lang, exc, USER_FIELDS, values, "user-")
    session.flash("success", lang.gettext("User %(email)s is created.", email=created.email))
    return htmx.redirect(request, "/admin/users")
