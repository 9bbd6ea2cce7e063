"""Capturing a web address as evidence from the incident page, with its progress polled by htmx."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from web import htmx
from web.captures import ACTIVE, REASONS, STATUSES
from web.client import Api, ApiError
from web.deps import Lang, Session, UserApi
from web.refusal import refuse
from web.routes.evidence import incident_page

router = APIRouter(include_in_schema=False)
FIELDS = ("url",)
PREFIX = "capture-"


def _vocabulary() -> dict[str, Any]:
    return {"statuses": STATUSES, "reasons": REASONS, "active": ACTIVE}


async def context(api: Api, incident_id: str) -> dict[str, Any]:
    """What the incident page's capture section shows (None: the user may not see captures)."""
    try:
        found = await api.list_captures(incident_id)
    except ApiError as exc:
        if exc.status not in (403, 404, 405):
            raise
        found = None
    return {"captures": found, "capture_vocab": _vocabulary()}


@router.post("/incidents/{incident_id}/captures")
async def create_capture(
    request: Request, incident_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Queue a capture; a refused address is shown next to the field with what was typed."""
    form = await request.form()
    values = {"url": str(form.get("url") or "").strip()}
    try:
        await api.create_capture(incident_id, values["url"])
    except ApiError as exc:
        return await refuse(
            request,
            lang,
            exc,
            fields=FIELDS,
            form=values,
            prefix=PREFIX,
            page=incident_page(api, incident_id),
        )
    session.flash("success", lang.gettext("The capture has started; its progress is shown below."))
    return htmx.redirect(request, f"/incidents/{incident_id}#captures")


@router.get("/incidents/{incident_id}/captures/{capture_id}")
async def show_capture(request: Request, incident_id: str, capture_id: str, api: UserApi) -> Response:
    """One capture as a fragment (htmx polls it until it is done or failed)."""
    if not htmx.is_htmx(request):
        return RedirectResponse(f"/incidents/{incident_id}#capture-{capture_id}", status_code=303)
    capture = await api.get_capture(capture_id)
    return htmx.render(
        request,
        "incidents/_capture_item.html",
        {"capture": capture, "capture_vocab": _vocabulary(), "incident_id": incident_id},
    )
