"""Handling steps of an incident (actions): add, complete, waive and reopen."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web import htmx
from web.client import ApiError
from web.deps import Lang, Session, UserApi
from web.errors import describe
from web.forms import field_errors, local_to_utc
from web.i18n import Language

router = APIRouter(include_in_schema=False)
RESPONSES = frozenset({"acknowledged", "removed", "partially_removed", "refused", "no_response"})
ACTION_FIELDS = ("kind", "description", "dueAt", "assigneeId", "policeReference")
TAKEDOWN_FIELDS = (
    "recipientKind",
    "recipientName",
    "recipientEmail",
    "urls",
    "legalGround",
    "illegalityExplanation",
    "notifierName",
    "notifierEmail",
    "goodFaith",
)


def _refused(
    request: Request,
    lang: Language,
    exc: ApiError,
    *,
    fields: tuple[str, ...],
    form: dict[str, Any],
    prefix: str,
) -> Response:
    """The API's refusal next to the fields of the form (prefixed ids), the input untouched."""
    if exc.status == 401:
        raise exc
    errors, rest = field_errors(lang.gettext, exc, fields)
    summary = describe(lang.gettext, exc)
    messages = [summary, *rest]
    context: dict[str, Any] = {
        "form": form,
        "errors": errors,
        "messages": messages,
        "fields": fields,
        "prefix": prefix,
        "login_link": False,
    }
    if request.headers.get("HX-Request") == "true":
        return htmx.oob_only(request, "forms/errors_oob.html", context, status_code=exc.status)
    return htmx.render(request, "error.html", {"message": " ".join(messages)}, status_code=exc.status)


@router.post("/incidents/{incident_id}/actions")
async def create_action(
    request: Request, incident_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Add a handling step."""
    form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    body: dict[str, Any] = {
        "kind": form.get("kind") or None,
        "description": form.get("description", ""),
        "dueAt": local_to_utc(form.get("dueAt", "")),
        "assigneeId": form.get("assigneeId") or None,
        "policeReference": form.get("policeReference") or None,
    }
    try:
        await api.create_action(incident_id, {k: v for k, v in body.items() if v is not None})
    except ApiError as exc:
        return _refused(request, lang, exc, fields=ACTION_FIELDS, form=form, prefix="action-")
    session.flash("success", lang.gettext("The action is added."))
    return htmx.redirect(request, f"/incidents/{incident_id}#actions")


@router.post("/incidents/{incident_id}/actions/{action_id}/done")
async def complete_action(
    request: Request, incident_id: str, action_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Mark an action as done, with its outcome."""
    form = await request.form()
    outcome = str(form.get("outcome") or "")
    _, etag = await api.get_action(action_id)
    try:
        await api.update_action(
            action_id,
            {"status": "done", **({"outcome": outcome} if outcome else {})},
            etag=str(form.get("etag") or etag),
        )
    except ApiError as exc:
        return _refused(
            request, lang, exc, fields=("outcome",), form={"outcome": outcome}, prefix=f"done-{action_id}-"
        )
    session.flash("success", lang.gettext("The action is done."))
    return htmx.redirect(request, f"/incidents/{incident_id}#actions")
