"""The incident's own records in the UI: witnesses, journal notes, the complaint step, and the route
for an unknown sender (the provider discloses, the police or a specialist traces)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web import htmx
from web.client import Api, ApiError
from web.deps import Lang, Session, UserApi
from web.forms import lines, local_to_utc
from web.i18n import Language
from web.models import Action, Incident, Takedown
from web.refusal import refuse

router = APIRouter(include_in_schema=False)
T = TypeVar("T")

WITNESS_FIELDS = ("name", "phone", "statement")
JOURNAL_FIELDS = ("happenedAt", "what", "where", "who", "correctsId")
COMPLAINT_FIELDS = ("subject",)
DECISION_FIELDS = ("conversationAt", "aggressionAddressed", "agreements", "outcome", "resolution")
TRACING_FIELDS = ("channel", "requestedAt", "reference", "note")
OUTCOME_FIELDS = ("outcome", "identifiedAs", "reference", "note")
DISCLOSURE_FIELDS = ("recipientName", "urls", "recipientEmail")


async def _optional(call: Awaitable[T]) -> T | None:
    """A section the user may not see (403) is left out."""
    try:
        return await call
    except ApiError as exc:
        if exc.status in (403, 404):
            return None
        raise


def sender_unknown(incident: Incident) -> bool:
    """No perpetrator recorded, or recorded as not known."""
    return not (incident.perpetrator and incident.perpetrator.known)


def sender_route(
    incident: Incident, actions: list[Action] | None, takedowns: list[Takedown] | None
) -> dict[str, Any]:
    """Where an unknown sender's case stands: the provider asked, the police report made."""
    police = [a for a in actions or [] if a.kind == "police_report"]
    return {
        "unknown": sender_unknown(incident),
        "disclosures": [t for t in takedowns or [] if t.recipient_kind == "provider"],
        "police_report_done": any(a.status == "done" for a in police),
    }


async def context(api: Api, incident: Incident) -> dict[str, Any]:
    """What the incident page shows of these records (None: the user may not see that part)."""
    witnesses, journal, complaints, tracing = await asyncio.gather(
        _optional(api.list_witnesses(incident.id)),
        _optional(api.list_journal(incident.id)),
        _optional(api.list_complaints(incident.id)),
        _optional(api.list_tracing(incident.id)),
    )
    return {"witnesses": witnesses, "journal": journal, "complaints": complaints, "tracing": tracing}


def _page(api: Api, incident_id: str) -> Any:
    async def load() -> tuple[str, dict[str, Any]]:
        from web.routes.incidents import detail_context  # the incident page owns its data

        return "incidents/detail.html", await detail_context(api, incident_id)

    return load


async def _form(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}


async def _send(
    request: Request,
    *,
    api: Api,
    lang: Language,
    session: Any,
    incident_id: str,
    call: Awaitable[Any],
    form: dict[str, str],
    fields: tuple[str, ...],
    prefix: str,
    done: str,
    anchor: str,
) -> Response:
    """Send one change; a refusal puts the errors next to the form's fields, keeping the input."""
    try:
        await call
    except ApiError as exc:
        return await refuse(
            request, lang, exc, fields=fields, form=form, prefix=prefix, page=_page(api, incident_id)
        )
    session.flash("success", done)
    return htmx.redirect(request, f"/incidents/{incident_id}#{anchor}")


def _clean(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v not in (None, "")}


@router.post("/incidents/{incident_id}/witnesses")
async def add_witness(
    request: Request, incident_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Record a witness's name and phone number."""
    form = await _form(request)
    body = _clean({k: form.get(k, "").strip() for k in WITNESS_FIELDS})
    body.setdefault("name", "")
    return await _send(
        request, api=api, lang=lang, session=session, incident_id=incident_id,
        call=api.create_witness(incident_id, body), form=form, fields=WITNESS_FIELDS,
        prefix="witness-", done=lang.gettext("The witness is recorded."), anchor="witnesses",
    )  # fmt: skip


@router.post("/incidents/{incident_id}/witnesses/{witness_id}/delete")
async def remove_witness(
    request: Request, incident_id: str, witness_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Remove a witness."""
    return await _send(
        request, api=api, lang=lang, session=session, incident_id=incident_id,
        call=api.delete_witness(incident_id, witness_id), form={}, fields=(),
        prefix=f"witness-{witness_id}-", done=lang.gettext("The witness is removed."), anchor="witnesses",
    )  # fmt: skip


@router.post("/incidents/{incident_id}/journal")
async def add_journal_entry(
    request: Request, incident_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Write a journal note: what, where, who and when."""
    form = await _form(request)
    body = _clean(
        {
            "happenedAt": local_to_utc(form.get("happenedAt", "")),
            "what": form.get("what", "").strip(),
            "where": form.get("where", "").strip(),
            "who": form.get("who", "").strip(),
            "correctsId": form.get("correctsId", ""),
        }
    )
    body.setdefault("what", "")
    body.setdefault("happenedAt", None)
    return await _send(
        request, api=api, lang=lang, session=session, incident_id=incident_id,
        call=api.create_journal_entry(incident_id, body), form=form, fields=JOURNAL_FIELDS,
        prefix="journal-", done=lang.gettext("The journal note is saved."), anchor="journal",
    )  # fmt: skip


@router.post("/incidents/{incident_id}/complaints")
async def open_complaint(
    request: Request, incident_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Open the complaint step with what the sender complains about."""
    form = await _form(request)
    return await _send(
        request, api=api, lang=lang, session=session, incident_id=incident_id,
        call=api.create_complaint(incident_id, {"subject": form.get("subject", "").strip()}),
        form=form, fields=COMPLAINT_FIELDS, prefix="complaint-",
        done=lang.gettext("The complaint is recorded as its own step."), anchor="complaints",
    )  # fmt: skip


@router.post("/incidents/{incident_id}/complaints/{complaint_id}")
async def decide_complaint(
    request: Request, incident_id: str, complaint_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Record the conversation about the complaint and its outcome (empty outcome: still open)."""
    form = await _form(request)
    body: dict[str, Any] = {
        "aggressionAddressed": form.get("aggressionAddressed") == "true",
        "agreements": form.get("agreements", "").strip(),
        "resolution": form.get("resolution", "").strip(),
        "outcome": form.get("outcome") or None,
    }
    if form.get("conversationAt", "").strip():
        body["conversationAt"] = local_to_utc(form["conversationAt"])
    return await _send(
        request, api=api, lang=lang, session=session, incident_id=incident_id,
        call=api.update_complaint(incident_id, complaint_id, body, etag=form.get("etag", "")),
        form=form, fields=DECISION_FIELDS, prefix=f"complaint-{complaint_id}-",
        done=lang.gettext("The complaint is saved."), anchor=f"complaint-{complaint_id}",
    )  # fmt: skip


@router.post("/incidents/{incident_id}/tracing")
async def ask_tracing(
    request: Request, incident_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Ask the police (after the police report) or a specialist to trace the sender."""
    form = await _form(request)
    body = _clean(
        {
            "channel": form.get("channel", ""),
            "requestedAt": local_to_utc(form.get("requestedAt", "")),
            "reference": form.get("reference", "").strip(),
            "note": form.get("note", "").strip(),
        }
    )
    body.setdefault("channel", None)
    return await _send(
        request, api=api, lang=lang, session=session, incident_id=incident_id,
        call=api.create_tracing(incident_id, body), form=form, fields=TRACING_FIELDS,
        prefix="tracing-", done=lang.gettext("The tracing request is recorded."), anchor="sender",
    )  # fmt: skip


@router.post("/incidents/{incident_id}/tracing/{request_id}")
async def tracing_outcome(
    request: Request, incident_id: str, request_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Record what the tracing brought."""
    form = await _form(request)
    body: dict[str, Any] = {"outcome": form.get("outcome") or None}
    if form.get("identifiedAs", "").strip():
        body["identifiedAs"] = form["identifiedAs"].strip()
    return await _send(
        request, api=api, lang=lang, session=session, incident_id=incident_id,
        call=api.update_tracing(incident_id, request_id, body, etag=form.get("etag", "")),
        form=form, fields=OUTCOME_FIELDS, prefix=f"tracing-{request_id}-",
        done=lang.gettext("The outcome is saved."), anchor=f"tracing-{request_id}",
    )  # fmt: skip


@router.post("/incidents/{incident_id}/disclosure")
async def ask_disclosure(
    request: Request, incident_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Draft the request to the provider or host to disclose the sender (a takedown request of
    recipient kind provider; it is sent from the takedown section with its letter)."""
    form = await _form(request)
    body = _clean(
        {
            "recipientKind": "provider",
            "recipientName": form.get("recipientName", "").strip(),
            "recipientEmail": form.get("recipientEmail", "").strip(),
            "urls": lines(form.get("urls", "")) or None,
        }
    )
    body.setdefault("recipientName", "")
    body.setdefault("urls", [])
    return await _send(
        request, api=api, lang=lang, session=session, incident_id=incident_id,
        call=api.create_takedown(incident_id, body), form=form, fields=DISCLOSURE_FIELDS,
        prefix="disclosure-", anchor="sender",
        done=lang.gettext("The disclosure request is drafted: send it from the takedown requests."),
    )  # fmt: skip
