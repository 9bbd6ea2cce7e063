"""Handling steps of an incident (actions): add each kind with its own fields, complete, waive, reopen."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web import htmx
from web.client import Api, ApiError
from web.deps import Lang, Session, UserApi
from web.forms import local_to_utc
from web.i18n import Language
from web.refusal import refuse

router = APIRouter(include_in_schema=False)

COMMON_FIELDS = ("kind", "description", "dueAt", "assigneeId")
# The fields each kind carries besides the common ones (named like the API's body keys).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "police_report": ("policeReference", "reportedAt", "filedBy", "helpedBy"),
    "response_sent": ("channel",),
    "offender_contact": ("contactChannel", "policeWarning"),
    "aftercare_offer": ("aftercareStep",),
    "consultation": ("consulted",),
    "work_environment_analysis": ("preventionDecision",),
    "sanction": ("suspendedService", "startsAt", "endsAt"),
    "contact_restriction": ("restrictionForm", "restrictionDetails", "startsAt", "endsAt"),
}
DATETIME_FIELDS = frozenset({"dueAt", "reportedAt", "startsAt", "endsAt"})
# Form fields named apart from the API's body key (the response's channel select has the API's name).
API_NAMES = {"contactChannel": "channel"}
ACTION_FIELDS = (
    *COMMON_FIELDS,
    "policeReference",
    "reportedAt",
    "channel",
    "suspendedService",
    "restrictionForm",
    "restrictionDetails",
    "startsAt",
    "endsAt",
    "filedBy",
    "helpedBy",
    "contactChannel",
    "policeWarning",
    "aftercareStep",
    "consulted",
    "preventionDecision",
)
DONE_FIELDS = (
    "outcome",
    "policeReference",
    "reportedAt",
    "filedBy",
    "helpedBy",
    "preventionDecision",
    "status",
)


def _page(api: Api, incident_id: str) -> Any:
    """The incident page, for browsers without JavaScript when a form is refused."""

    async def load() -> tuple[str, dict[str, Any]]:
        from web.routes.incidents import detail_context  # the incident page owns its data

        return "incidents/detail.html", await detail_context(api, incident_id)

    return load


def _filers(values: list[str]) -> list[dict[str, str]] | None:
    """Checked affected employees: `user:<id>` for users, `name:<name>` for staff without an account."""
    chosen = []
    for value in values:
        kind, _, rest = value.partition(":")
        if rest:
            chosen.append({"userId": rest} if kind == "user" else {"name": rest})
    return chosen or None


def _value(form: dict[str, Any], name: str) -> Any:
    if name == "filedBy":
        return _filers(form.get("filedBy") or [])
    if name == "policeWarning":
        return form.get("policeWarning") == "true"
    return _text(form, name)


def _text(form: dict[str, Any], name: str) -> str | None:
    value = str(form.get(name, "")).strip()
    if not value:
        return None
    return local_to_utc(value) if name in DATETIME_FIELDS else value


def create_body(form: dict[str, Any]) -> dict[str, Any]:
    """The API body: the common fields and only the chosen kind's own fields (the form shows all
    kinds' fields to browsers without JavaScript)."""
    kind = form.get("kind", "")
    body: dict[str, Any] = {"kind": kind or None, "description": form.get("description", "").strip()}
    for name in ("dueAt", "assigneeId", *KIND_FIELDS.get(kind, ())):
        body[API_NAMES.get(name, name)] = _value(form, name)
    return {k: v for k, v in body.items() if v is not None}


async def _form(request: Request) -> dict[str, Any]:
    data = await request.form()
    form: dict[str, Any] = {k: str(v) for k, v in data.items() if k != "csrf_token"}
    form["filedBy"] = [str(v) for v in data.getlist("filedBy")]
    return form


@router.post("/incidents/{incident_id}/actions")
async def create_action(
    request: Request, incident_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Add a handling step with the fields of its kind."""
    form = await _form(request)
    try:
        action = await api.create_action(incident_id, create_body(form))
    except ApiError as exc:
        return await refuse(
            request,
            lang,
            exc,
            fields=ACTION_FIELDS,
            form=form,
            prefix="action-",
            page=_page(api, incident_id),
        )
    session.flash("success", lang.gettext("The action is added."))
    for code in action.warning_codes:
        if code == "same_channel":
            session.flash(
                "warning",
                lang.gettext(
                    "The response went through the channel of the aggression; the protocol prefers "
                    "another channel (e-mail, letter or phone)."
                ),
            )
    return htmx.redirect(request, f"/incidents/{incident_id}#actions")


async def _change(
    request: Request,
    *,
    api: Api,
    lang: Language,
    session: Any,
    incident_id: str,
    action_id: str,
    body: dict[str, Any],
    form: dict[str, Any],
    fields: tuple[str, ...],
    prefix: str,
    done: str,
) -> Response:
    """Send one change of an action with the form's ETag; refusals go next to the form's fields."""
    etag = form.get("etag") or (await api.get_action(action_id))[1]
    try:
        await api.update_action(action_id, body, etag=etag)
    except ApiError as exc:
        return await refuse(
            request,
            lang,
            exc,
            fields=fields,
            form=form,
            prefix=prefix,
            page=_page(api, incident_id),
        )
    session.flash("success", done)
    return htmx.redirect(request, f"/incidents/{incident_id}#action-{action_id}")


@router.post("/incidents/{incident_id}/actions/{action_id}/done")
async def complete_action(
    request: Request, incident_id: str, action_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Mark an action as done, with its outcome (and a police report's reference and date)."""
    form = await _form(request)
    body: dict[str, Any] = {"status": "done"}
    for name in ("outcome", "policeReference", "reportedAt", "filedBy", "helpedBy", "preventionDecision"):
        value = _value(form, name)
        if value is not None:
            body[name] = value
    return await _change(
        request,
        api=api,
        lang=lang,
        session=session,
        incident_id=incident_id,
        action_id=action_id,
        body=body,
        form=form,
        fields=DONE_FIELDS,
        prefix=f"done-{action_id}-",
        done=lang.gettext("The action is done."),
    )


@router.post("/incidents/{incident_id}/actions/{action_id}/waive")
async def waive_action(
    request: Request, incident_id: str, action_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Skip an action, with the reason why (case handler or legal counsel)."""
    form = await _form(request)
    body: dict[str, Any] = {"status": "waived", "waiverReason": form.get("waiverReason", "").strip() or None}
    return await _change(
        request,
        api=api,
        lang=lang,
        session=session,
        incident_id=incident_id,
        action_id=action_id,
        body=body,
        form=form,
        fields=("waiverReason", "status"),
        prefix=f"waive-{action_id}-",
        done=lang.gettext("The action is waived."),
    )


@router.post("/incidents/{incident_id}/actions/{action_id}/reopen")
async def reopen_action(
    request: Request, incident_id: str, action_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Open a done or waived action again."""
    form = await _form(request)
    return await _change(
        request,
        api=api,
        lang=lang,
        session=session,
        incident_id=incident_id,
        action_id=action_id,
        body={"status": "open"},
        form=form,
        fields=("status",),
        prefix=f"reopen-{action_id}-",
        done=lang.gettext("The action is open again."),
    )
