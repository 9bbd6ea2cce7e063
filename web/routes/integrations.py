"""Administration of integrations: API clients (create, rotate token or secret, revoke) and webhooks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web import htmx
from web.client import Api, ApiError
from web.deps import Lang, Session, UserApi
from web.i18n import N_
from web.refusal import refuse

router = APIRouter(include_in_schema=False)
CLIENT_FIELDS = ("name", "scopes")
WEBHOOK_FIELDS = ("url", "eventTypes", "description")


def _whole_page(response: Response) -> Response:
    """For htmx: put the answer (a whole page showing a secret once) in place of the current page."""
    response.headers["HX-Retarget"] = "body"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


async def _api_clients_context(api: Api) -> dict[str, Any]:
    return {"clients": await api.list_api_clients(), "scopes": await api.contract_enum("Scope")}


async def _webhooks_context(api: Api) -> dict[str, Any]:
    return {"subscriptions": await api.list_webhooks(), "events": await api.contract_enum("EventType")}


@router.get("/admin/api-clients")
async def api_clients(request: Request, api: UserApi) -> Response:
    """The systems that use the API, and a form to add one."""
    return htmx.render(request, "admin/api_clients.html", await _api_clients_context(api))


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

        async def page() -> tuple[str, dict[str, Any]]:
            return "admin/api_clients.html", await _api_clients_context(api)

        return await refuse(
            request, lang, exc, fields=CLIENT_FIELDS, form=values, prefix="client-", page=page
        )
    context = {"client": client, "secret": token, "client_secret": client.client_secret, "rotated": False}
    return _whole_page(htmx.render(request, "admin/api_client_token.html", context))


@router.get("/admin/api-clients/{client_id}/rotate")
async def confirm_rotation(request: Request, client_id: str, api: UserApi, lang: Lang) -> Response:
    """Ask before replacing a client's token: the connected system stops working until it has the new one."""
    client = await api.get_api_client(client_id)
    context = {
        "title": lang.gettext("Give %(name)s a new token?", name=client.name),
        "explanation": lang.gettext(
            "The current token stops working at once. The new token is shown only once: "
            "put it in the connected system straight away."
        ),
        "action": f"/admin/api-clients/{client_id}/rotations",
        "button": lang.gettext("Yes, give a new token"),
        "back": "/admin/api-clients",
        "prefix": "rotate-",
    }
    return htmx.render(request, "admin/confirm.html", context)


@router.post("/admin/api-clients/{client_id}/rotations")
async def rotate_api_client(request: Request, client_id: str, api: UserApi, lang: Lang) -> Response:
    """Replace the token and show the new one this once."""
    try:
        client, token = await api.rotate_api_client(client_id)
    except ApiError as exc:
        return await refuse(request, lang, exc, fields=(), form={}, prefix="rotate-")
    context = {"client": client, "secret": token, "rotated": True}
    return _whole_page(htmx.render(request, "admin/api_client_token.html", context))


# How long the current secret keeps working after a rotation: minutes, and the label of the choice.
OVERLAPS = (
    ("1440", N_("24 hours (the usual)")),
    ("60", N_("1 hour")),
    ("10080", N_("7 days")),
    ("0", N_("Not at all: it stops at once")),
)


@router.get("/admin/api-clients/{client_id}/rotate-secret")
async def confirm_secret_rotation(request: Request, client_id: str, api: UserApi) -> Response:
    """Ask before giving a client a new secret, and for how long the current one keeps working."""
    client = await api.get_api_client(client_id)
    context = {"client": client, "overlaps": OVERLAPS, "form": {"overlapMinutes": "1440"}}
    return htmx.render(request, "admin/api_client_rotate_secret.html", context)


@router.post("/admin/api-clients/{client_id}/secret-rotations")
async def rotate_api_client_secret(request: Request, client_id: str, api: UserApi, lang: Lang) -> Response:
    """Replace the client secret and show the new one this once, with the end of the overlap."""
    form = await request.form()
    raw = str(form.get("overlapMinutes") or "")
    overlap = int(raw) if raw in {value for value, _ in OVERLAPS} else None
    try:
        client = await api.rotate_api_client_secret(client_id, overlap)
    except ApiError as exc:
        return await refuse(request, lang, exc, fields=("overlapMinutes",), form={}, prefix="secret-")
    context = {"client": client, "client_secret": client.client_secret, "secret_rotated": True}
    return _whole_page(htmx.render(request, "admin/api_client_token.html", context))


@router.get("/admin/api-clients/{client_id}/revoke")
async def confirm_revocation(request: Request, client_id: str, api: UserApi, lang: Lang) -> Response:
    """Ask before revoking: this cannot be undone."""
    client = await api.get_api_client(client_id)
    context = {
        "title": lang.gettext("Revoke %(name)s?", name=client.name),
        "explanation": lang.gettext(
            "Its token stops working at once and cannot be brought back. The client stays listed as revoked."
        ),
        "action": f"/admin/api-clients/{client_id}/revoke",
        "button": lang.gettext("Yes, revoke"),
        "back": "/admin/api-clients",
        "prefix": "revoke-",
        "danger": True,
    }
    return htmx.render(request, "admin/confirm.html", context)


@router.post("/admin/api-clients/{client_id}/revoke")
async def revoke_api_client(
    request: Request, client_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Revoke an API client."""
    try:
        await api.revoke_api_client(client_id)
    except ApiError as exc:
        return await refuse(request, lang, exc, fields=(), form={}, prefix="revoke-")
    session.flash("success", lang.gettext("The API client is revoked."))
    return htmx.redirect(request, "/admin/api-clients")


@router.get("/admin/webhooks")
async def webhooks(request: Request, api: UserApi) -> Response:
    """Webhook subscriptions and a form to add one."""
    return htmx.render(request, "admin/webhooks.html", await _webhooks_context(api))


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

        async def page() -> tuple[str, dict[str, Any]]:
            return "admin/webhooks.html", await _webhooks_context(api)

        return await refuse(
            request,
            lang,
            exc,
            fields=WEBHOOK_FIELDS,
            form=values,
            prefix="webhook-",
            page=page,
        )
    context = {"subscription": created, "secret": secret}
    return _whole_page(htmx.render(request, "admin/webhook_secret.html", context))


@router.get("/admin/webhooks/{subscription_id}/end")
async def confirm_end(request: Request, subscription_id: str, api: UserApi, lang: Lang) -> Response:
    """Ask before ending a subscription."""
    subscription = await api.get_webhook(subscription_id)
    context = {
        "title": lang.gettext("End the subscription of %(url)s?", url=subscription.url),
        "explanation": lang.gettext("No more events are sent to it; pending retries are dropped."),
        "action": f"/admin/webhooks/{subscription_id}/delete",
        "button": lang.gettext("Yes, end it"),
        "back": "/admin/webhooks",
        "prefix": "end-",
        "danger": True,
    }
    return htmx.render(request, "admin/confirm.html", context)


@router.post("/admin/webhooks/{subscription_id}/delete")
async def delete_webhook(
    request: Request, subscription_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """End a subscription."""
    try:
        await api.delete_webhook(subscription_id)
    except ApiError as exc:
        return await refuse(request, lang, exc, fields=(), form={}, prefix="end-")
    session.flash("success", lang.gettext("The subscription is ended."))
    return htmx.redirect(request, "/admin/webhooks")


@router.get("/admin/webhooks/{subscription_id}/deliveries")
async def deliveries(
    request: Request, subscription_id: str, api: UserApi, cursor: str | None = None
) -> Response:
    """The delivery log of one subscription, newest first, a page at a time."""
    subscription = await api.get_webhook(subscription_id)
    items, next_cursor = await api.list_webhook_deliveries(subscription_id, cursor=cursor)
    context = {
        "subscription": subscription,
        "deliveries": items,
        "next_cursor": next_cursor,
        "first_page": cursor is None,
    }
    return htmx.render(request, "admin/webhook_deliveries.html", context)


@router.post("/admin/webhooks/{subscription_id}/pings")
async def ping_webhook(
    request: Request, subscription_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Send a test message now and show it in the delivery log."""
    try:
        await api.ping_webhook(subscription_id)
    except ApiError as exc:
        return await refuse(request, lang, exc, fields=(), form={}, prefix="ping-")
    session.flash(
        "success", lang.gettext("A test message is on its way; its delivery is at the top of the log.")
    )
    return htmx.redirect(request, f"/admin/webhooks/{subscription_id}/deliveries")


@router.post("/admin/webhooks/{subscription_id}/deliveries/{delivery_id}/redeliveries")
async def redeliver_webhook(
    request: Request, subscription_id: str, delivery_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Send one message again (the receiver recognises it by its unchanged message id)."""
    try:
        await api.redeliver_webhook(subscription_id, delivery_id)
    except ApiError as exc:
        return await refuse(request, lang, exc, fields=(), form={}, prefix="redeliver-")
    session.flash("success", lang.gettext("The message is sent again; the attempt appears in the log."))
    return htmx.redirect(request, f"/admin/webhooks/{subscription_id}/deliveries")


@router.get("/admin/webhooks/{subscription_id}/rotate-secret")
async def confirm_webhook_rotation(
    request: Request, subscription_id: str, api: UserApi, lang: Lang
) -> Response:
    """Ask before giving a subscription a new signing secret."""
    subscription = await api.get_webhook(subscription_id)
    context = {
        "title": lang.gettext("Give %(url)s a new signing secret?", url=subscription.url),
        "explanation": lang.gettext(
            "The new secret is shown only once. For a while messages are signed with both the "
            "previous and the new secret, so the receiver can switch without missing a message; "
            "after that only the new secret signs."
        ),
        "action": f"/admin/webhooks/{subscription_id}/secret-rotations",
        "button": lang.gettext("Yes, give a new secret"),
        "back": "/admin/webhooks",
        "prefix": "webhook-rotate-",
    }
    return htmx.render(request, "admin/confirm.html", context)


@router.post("/admin/webhooks/{subscription_id}/secret-rotations")
async def rotate_webhook_secret(request: Request, subscription_id: str, api: UserApi, lang: Lang) -> Response:
    """Replace the signing secret and show the new one this once, with the end of the overlap."""
    try:
        subscription, secret = await api.rotate_webhook_secret(subscription_id)
    except ApiError as exc:
        return await refuse(request, lang, exc, fields=(), form={}, prefix="webhook-rotate-")
    context = {"subscription": subscription, "secret": secret, "rotated": True}
    return _whole_page(htmx.render(request, "admin/webhook_secret.html", context))
