"""Takedown requests of an incident: draft, edit the draft, send, record the answer, escalate,
withdraw, and the letters in Dutch, Danish and English."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from web import htmx
from web.client import ApiError, FieldProblem
from web.deps import Lang, Session, UserApi
from web.forms import lines
from web.i18n import Language
from web.models import Takedown
from web.refusal import refuse
from web.routes.evidence import _stream, incident_page

router = APIRouter(include_in_schema=False)
RESPONSES = frozenset({"acknowledged", "removed", "partially_removed", "refused", "no_response"})
TEXT_FIELDS = (
    "recipientName",
    "recipientEmail",
    "recipientAddress",
    "legalGround",
    "illegalityExplanation",
    "notifierName",
    "notifierEmail",
)
TAKEDOWN_FIELDS = ("recipientKind", *TEXT_FIELDS, "urls", "goodFaith", "evidenceIds")


def _values(raw: FormData) -> dict[str, Any]:
    """The form as typed, to refill it."""
    values: dict[str, Any] = {k: str(raw.get(k) or "") for k in ("recipientKind", *TEXT_FIELDS, "urls")}
    values["goodFaith"] = bool(raw.get("goodFaith"))
    values["evidenceIds"] = [str(v) for v in raw.getlist("evidenceIds")]
    return values


def _body(values: dict[str, Any], *, draft_edit: bool) -> dict[str, Any]:
    """The API body: on creation only what was filled in; a draft edit sets every field."""
    body: dict[str, Any] = {name: values[name].strip() or None for name in TEXT_FIELDS}
    body["urls"] = lines(values["urls"])
    body["evidenceIds"] = values["evidenceIds"]
    body["goodFaith"] = values["goodFaith"]
    if draft_edit:
        return body
    body["recipientKind"] = values["recipientKind"] or None
    if not body["goodFaith"]:
        body["goodFaith"] = None
    return {k: v for k, v in body.items() if v not in (None, [])}


@router.post("/incidents/{incident_id}/takedowns")
async def create_takedown(
    request: Request, incident_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Draft a takedown request (a platform notice needs the DSA Art. 16 elements)."""
    values = _values(await request.form())
    try:
        await api.create_takedown(incident_id, _body(values, draft_edit=False))
    except ApiError as exc:
        return await refuse(
            request,
            lang,
            exc,
            fields=TAKEDOWN_FIELDS,
            form=values,
            prefix="takedown-",
            page=incident_page(api, incident_id),
        )
    session.flash("success", lang.gettext("The takedown request is drafted."))
    return htmx.redirect(request, f"/incidents/{incident_id}#takedowns")


@router.post("/incidents/{incident_id}/takedowns/{takedown_id}")
async def edit_takedown(
    request: Request, incident_id: str, takedown_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Change a draft: recipient, web addresses, grounds, DSA elements, linked evidence."""
    values = _values(await request.form())
    try:
        _current, etag = await api.get_takedown(takedown_id)
        await api.update_takedown(takedown_id, _body(values, draft_edit=True), etag=etag)
    except ApiError as exc:
        return await refuse(
            request,
            lang,
            exc,
            fields=TAKEDOWN_FIELDS,
            form=values,
            prefix=f"tde-{takedown_id}-",
            page=incident_page(api, incident_id),
        )
    session.flash("success", lang.gettext("The draft is saved."))
    return htmx.redirect(request, f"/incidents/{incident_id}#takedown-{takedown_id}")


@router.post("/incidents/{incident_id}/takedowns/{takedown_id}/status")
async def change_takedown(
    request: Request, incident_id: str, takedown_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Send, record the response, escalate or withdraw a takedown request."""
    form = await request.form()
    target = str(form.get("status") or "")
    response_text = str(form.get("response") or "").strip()
    body: dict[str, Any] = {"status": target or None}
    if response_text:
        body["response"] = response_text
    try:
        current, etag = await api.get_takedown(takedown_id)
        updated = await api.update_takedown(takedown_id, body, etag=etag)
    except ApiError as exc:
        if exc.status != 401 and "current" in locals():
            exc = _explain_order(lang, exc, current)
        return await refuse(
            request,
            lang,
            exc,
            fields=("status", "response") if target in RESPONSES else ("status",),
            form={"response": response_text},
            prefix=f"td-{takedown_id}-",
            page=incident_page(api, incident_id),
            extra={"messages": _order_messages(exc)} if exc.type == "handling-order-explained" else None,
        )
    if target == "escalated" and updated.escalated_to_id:
        session.flash(
            "success",
            lang.gettext("The request is escalated; a new draft is ready below. Complete it and send it."),
        )
        return htmx.redirect(request, f"/incidents/{incident_id}#takedown-{updated.escalated_to_id}")
    session.flash("success", lang.gettext("The takedown request is updated."))
    return htmx.redirect(request, f"/incidents/{incident_id}#takedown-{takedown_id}")


def _order_messages(exc: ApiError) -> list[str]:
    return [exc.detail, *(p.detail for p in exc.errors)]


def _explain_order(lang: Language, exc: ApiError, takedown: Takedown) -> ApiError:
    """The protocol's order of handling, in the user's language: evidence first, then the police."""
    reasons = []
    for problem in exc.errors:
        code = problem.code.replace("-", "_")
        if code == "evidence_missing":
            index = problem.name.rsplit("/", 1)[-1]
            url = takedown.urls[int(index)] if index.isdigit() and int(index) < len(takedown.urls) else ""
            reasons.append(
                lang.gettext(
                    "No evidence is secured for %(url)s yet. Link an evidence item to this request "
                    "(edit the draft), or add a screenshot or capture with this web address as its "
                    "source, before asking for removal.",
                    url=url,
                )
            )
        elif code == "police_report_pending":
            reasons.append(
                lang.gettext(
                    "A police report is required first: mark the police report action as done, "
                    "or have a case handler or legal counsel waive it with a reason."
                )
            )
        elif code in ("missing", "required") and takedown.recipient_kind == "platform":
            reasons.append(
                lang.gettext(
                    "A platform notice needs the elements of DSA art. 16: why the content is illegal, "
                    "the notifier's name and e-mail, and the statement of good faith. Edit the draft."
                )
            )
    if not reasons:
        return exc
    return ApiError(
        status=exc.status,
        detail=lang.gettext("This request cannot be sent yet."),
        title=exc.title,
        errors=[FieldProblem("body", "order", "explained", reason) for reason in dict.fromkeys(reasons)],
        type="handling-order-explained",
    )


@router.get("/takedowns/{takedown_id}/letter")
async def takedown_letter(request: Request, takedown_id: str, api: UserApi, lang: Lang) -> Response:
    """The letter as PDF, in the chosen language."""
    language = request.query_params.get("language") or lang.code
    return _stream(await api.takedown_letter(takedown_id, language))
