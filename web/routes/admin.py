"""Administration: users, API clients and webhook subscriptions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web import htmx
from web.client import Api, ApiError
from web.deps import Lang, Session, UserApi
from web.errors import describe
from web.forms import field_errors
from web.i18n import Language

router = APIRouter(include_in_schema=False)
USER_FIELDS = ("email", "name", "password", "roles")
CLIENT_FIELDS = ("name", "scopes")
WEBHOOK_FIELDS = ("url", "eventTypes", "description")


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


async def _api_clients_page(request: Request, api: Api, **shown: Any) -> Response:
    """The API clients page; `shown` adds a just-created client and its token."""
    clients = await api.list_api_clients()
    scopes = await api.contract_enum("Scope")
    return htmx.render(request, "admin/api_clients.html", {"clients": clients, "scopes": scopes, **shown})


async def _webhooks_page(request: Request, api: Api, **shown: Any) -> Response:
    """The webhooks page; `shown` adds a just-created subscription and its signing secret."""
    subscriptions = await api.list_webhooks()
    events = await api.contract_enum("EventType")
    context = {"subscriptions": subscriptions, "events": events, **shown}
    return htmx.render(request, "admin/webhooks.html", context)


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


@router.get("/admin/api-clients")
async def api_clients(request: Request, api: UserApi) -> Response:
    """The systems that use the API, and a form to add one."""
    return await _api_clients_page(request, api)


@router.post("/admin/api-clients")
async def create_api_client(request: Request, api: UserApi, lang: Lang) -> Response:
    """Create an API client and show its token this once."""
    form = await request.form()
    values: dict[str, Any] = {
        "name": str(form.get("name") or "").strip(),
        "scopes": [str(s) for s in form.getlist("scopes")],
    }
    try:
        client, token = await api.create_api_client(values)
    except ApiError as exc:
        return _refused(request, lang, exc, CLIENT_FIELDS, values, "client-")
    return await _api_clients_page(request, api, created=client, secret=token)


@router.post("/admin/api-clients/{client_id}/revoke")
async def revoke_api_client(
    request: Request, client_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Revoke an API client."""
    await api.revoke_api_client(client_id)
    session.flash("success", lang.gettext("The API client is revoked."))
    return htmx.redirect(request, "/admin/api-clients")


@router.get("/admin/webhooks")
async def webhooks(request: Request, api: UserApi) -> Response:
    """Webhook subscriptions and a form to add one."""
    return await _webhooks_page(request, api)


@router.post("/admin/webhooks")
async def create_webhook(request: Request, api: UserApi, lang: Lang) -> Response:
    """Subscribe a URL and show the signing secret this once."""
    form = await request.form()
    values: dict[str, Any] = {
        "url": str(form.get("url") or "").strip(),
        "eventTypes": [str(e) for e in form.getlist("eventTypes")],
        "description": str(form.get("description") or ""),
    }
    try:
        created, secret = await api.create_webhook(values)
    except ApiError as exc:
        return _refused(request, lang, exc, WEBHOOK_FIELDS, values, "webhook-")
    return await _webhooks_page(request, api, created=created, secret=secret)


@router.post("/admin/webhooks/{subscription_id}/delete")
async def delete_webhook(
    request: Request, subscription_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """End a subscription."""
    await api.delete_webhook(subscription_id)
    session.flash("success", lang.gettext("The subscription is ended."))
    return htmx.redirect(request, "/admin/webhooks")
