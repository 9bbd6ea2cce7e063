"""Takedown requests of an incident: draft, send, record the answer, escalate, letters."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web import htmx
from web.client import ApiError
from web.deps import Lang, Session, UserApi
from web.errors import describe
from web.forms import field_errors, lines
from web.i18n import Language
from web.models import Takedown
from web.routes.evidence import _stream

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


@router.post("/incidents/{incident_id}/takedowns")
async def create_takedown(
    request: Request, incident_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Draft a takedown request (a platform notice needs the DSA Art. 16 elements)."""
    raw = await request.form()
    form = {k: str(v) for k, v in raw.items() if k != "csrf_token"}
    body: dict[str, Any] = {
        "recipientKind": form.get("recipientKind") or None,
        "recipientName": form.get("recipientName", "").strip() or None,
        "recipientEmail": form.get("recipientEmail", "").strip() or None,
        "urls": lines(form.get("urls", "")) or None,
        "legalGround": form.get("legalGround", "").strip() or None,
        "illegalityExplanation": form.get("illegalityExplanation", "").strip() or None,
        "notifierName": form.get("notifierName", "").strip() or None,
        "notifierEmail": form.get("notifierEmail", "").strip() or None,
        "goodFaith": True if raw.get("goodFaith") else None,
    }
    try:
        await api.create_takedown(incident_id, {k: v for k, v in body.items() if v is not None})
    except ApiError as exc:
        return _refused(request, lang, exc, fields=TAKEDOWN_FIELDS, form=form, prefix="takedown-")
    session.flash("success", lang.gettext("The takedown request is drafted."))
    return htmx.redirect(request, f"/incidents/{incident_id}#takedowns")


@router.post("/incidents/{incident_id}/takedowns/{takedown_id}/status")
async def change_takedown(
    request: Request, incident_id: str, takedown_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Send, record the response, escalate or withdraw a takedown request."""
    form = await request.form()
    target = str(form.get("status") or "")
    response_text = str(form.get("response") or "").strip()
    current, etag = await api.get_takedown(takedown_id)
    body: dict[str, Any] = {"status": target}
    if response_text:
        body["response"] = response_text
    try:
        await api.update_takedown(takedown_id, body, etag=etag)
    except ApiError as exc:
        exc = _explain_order(lang, exc, current)
        return _refused(
            request,
            lang,
            exc,
            fields=("status", "response") if target in RESPONSES else ("status",),
            form={"response": response_text},
            prefix=f"td-{takedown_id}-",
        )
    session.flash("success", lang.gettext("The takedown request is updated."))
    return htmx.redirect(request, f"/incidents/{incident_id}#takedowns")


def _explain_order(lang: Language, exc: ApiError, takedown: Takedown) -> ApiError:
    """The protocol's order of handling, in the user's language: evidence first, then the police."""
    reasons = []
    for problem in exc.errors:
        if problem.code == "evidence-missing":
            index = problem.name.rsplit("/", 1)[-1]
            url = takedown.urls[int(index)] if index.isdigit() and int(index) < len(takedown.urls) else ""
            reasons.append(
                lang.gettext(
                    "No evidence is secured for %(url)s yet. Add a screenshot or capture with this web "
                    "address as its source before asking for removal.",
                    url=url,
                )
            )
        elif problem.code == "police-report-pending":
            reasons.append(
                lang.gettext(
                    "A police report is required first: mark the police report action as done, "
                    "or have a case handler or legal counsel waive it with a reason."
                )
            )
    if not reasons:
        return exc
    detail = " ".join([lang.gettext("This request cannot be sent yet."), *reasons])
    return ApiError(status=exc.status, detail=detail, title=exc.title, errors=[])


@router.get("/takedowns/{takedown_id}/letter")
async def takedown_letter(request: Request, takedown_id: str, api: UserApi, lang: Lang) -> Response:
    """The letter as PDF, in the chosen language."""
    language = request.query_params.get("language") or lang.code
    return _stream(await api.takedown_letter(takedown_id, language))
