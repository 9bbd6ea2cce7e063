"""The recording-permission desk: register a citizen's request to record, decide, hand a receipt."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web import htmx
from web.client import ApiError
from web.deps import Lang, Session, UserApi
from web.errors import describe
from web.forms import field_errors, lines, local_to_utc, utc_to_local_input
from web.routes.evidence import _stream

router = APIRouter(include_in_schema=False)
FIELDS = (
    "requester",
    "contact",
    "conversationAt",
    "place",
    "context",
    "kinds",
    "employees",
    "decision",
    "reason",
    "refusalGround",
    "alternative",
    "conditionsAccepted",
)


@router.get("/recording-permissions")
async def desk(request: Request, api: UserApi) -> Response:
    """Recent requests and the form for a new one."""
    cursor = request.query_params.get("cursor") or None
    items, next_cursor = await api.list_recording_permissions(filters=[], cursor=cursor)
    form = {"conversationAt": utc_to_local_input(datetime.now(UTC)), "kinds": [], "decision": "pending"}
    context = {"items": items, "next_cursor": next_cursor, "form": form, "fields": FIELDS}
    return htmx.render(request, "recording/desk.html", context)


def _body(form: dict[str, Any]) -> dict[str, Any]:
    consent = form.get("consent") or "not_asked"
    now = datetime.now(UTC).isoformat()
    employees = [
        {"name": name, "consent": consent, **({"consentAt": now} if consent != "not_asked" else {})}
        for name in lines(form.get("employees", ""))
    ]
    body: dict[str, Any] = {
        "requester": {
            "name": form.get("requester", "").strip(),
            "contact": form.get("contact", "").strip() or None,
        },
        "conversationAt": local_to_utc(form.get("conversationAt", "")),
        "place": form.get("place", "").strip(),
        "context": form.get("context", "").strip() or None,
        "publicSpace": bool(form.get("publicSpace")),
        "kinds": form.get("kinds", []),
        "employees": employees,
        "decision": form.get("decision") or "pending",
        "reason": form.get("reason", "").strip() or None,
        "refusalGround": form.get("refusalGround") or None,
        "alternative": form.get("alternative", "").strip() or None,
        "conditionsAccepted": bool(form.get("conditionsAccepted")),
    }
    return {k: v for k, v in body.items() if v is not None}


@router.post("/recording-permissions")
async def register(request: Request, api: UserApi, lang: Lang, session: Session) -> Response:
    """Register the request and its decision; then the receipt can be printed."""
    raw = await request.form()
    form: dict[str, Any] = {k: str(v) for k, v in raw.items() if k not in ("csrf_token", "kinds")}
    form["kinds"] = [str(k) for k in raw.getlist("kinds")]
    try:
        created = await api.create_recording_permission(_body(form))
    except ApiError as exc:
        if exc.status == 401:
            raise
        errors, rest = field_errors(lang.gettext, exc, FIELDS)
        summary = (
            lang.gettext("Not saved: check the fields marked below.")
            if errors
            else describe(lang.gettext, exc)
        )
        context: dict[str, Any] = {
            "form": form,
            "errors": errors,
            "messages": [summary, *rest],
            "fields": FIELDS,
            "prefix": "rp-",
        }
        if request.headers.get("HX-Request") == "true":
            return htmx.oob_only(request, "forms/errors_oob.html", context, status_code=exc.status)
        items, next_cursor = await api.list_recording_permissions(filters=[])
        context |= {"items": items, "next_cursor": next_cursor}
        return htmx.render(request, "recording/desk.html", context, status_code=400)
    session.flash("success", lang.gettext("The request is registered. Print or send the receipt below."))
    return htmx.redirect(request, f"/recording-permissions/{created.id}")


@router.get("/recording-permissions/{permission_id}")
async def show(request: Request, permission_id: str, api: UserApi) -> Response:
    """One request, its decision and the receipt."""
    permission = await api.get_recording_permission(permission_id)
    return htmx.render(request, "recording/detail.html", {"permission": permission})


@router.get("/recording-permissions/{permission_id}/receipt")
async def receipt(request: Request, permission_id: str, api: UserApi, lang: Lang) -> Response:
    """The receipt for the citizen as PDF, in the chosen language."""
    language = request.query_params.get("language") or lang.code
    return _stream(await api.recording_receipt(permission_id, language))
