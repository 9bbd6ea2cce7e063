"""Incidents: the list with live filters, the fast report form, the detail page and editing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from web import casefile, htmx
from web.client import Api, ApiError, FieldProblem
from web.deps import Lang, LoggedIn, Session, UserApi
from web.errors import describe
from web.forms import field_errors, lines, local_to_utc, utc_to_local_input
from web.i18n import Language
from web.models import Incident, User
from web.uploads import check_screenshots, upload_files

router = APIRouter(include_in_schema=False)
T = TypeVar("T")

LIST_FILTERS = ("status", "behaviour", "platform")
FORM_FIELDS = (
    "title",
    "description",
    "occurredAt",
    "platform",
    "behaviours",
    "urls",
    "locationKind",
    "severity",
    "status",
    "closureReason",
    "caseHandlerId",
    "classificationOverride",
    "screenshots",
)

EDIT_ONLY = ("severity", "status", "closureReason", "caseHandlerId", "classificationOverride")
NEW_ONLY = ("screenshots",)


def _filters(request: Request) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    """The list's query string as API parameters, and as values to refill the filter form."""
    params: list[tuple[str, str]] = []
    shown: dict[str, Any] = {}
    for key in LIST_FILTERS:
        values = [v for v in request.query_params.getlist(key) if v]
        shown[key] = values
        params.extend((key, v) for v in values)
    q = request.query_params.get("q", "").strip()
    shown["q"] = q
    if len(q) >= 2:
        params.append(("q", q))
    for key in ("occurredFrom", "occurredTo"):
        value = request.query_params.get(key, "").strip()
        shown[key] = value
        if value:
            suffix = "T00:00" if key == "occurredFrom" else "T23:59:59"
            params.append((key, local_to_utc(value + suffix) or ""))
    return params, shown


@router.get("/incidents")
async def list_incidents(request: Request, api: UserApi, lang: Lang) -> Response:
    """Incidents the user may see; the filters update the results as they change."""
    params, shown = _filters(request)
    cursor = request.query_params.get("cursor") or None
    error = None
    items: list[Incident] = []
    next_cursor = None
    try:
        items, next_cursor = await api.list_incidents(filters=params, cursor=cursor)
    except ApiError as exc:
        if exc.status != 400:
            raise
        error = exc.detail
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor" and v]
    context = {
        "items": items,
        "next_cursor": next_cursor,
        "filters": shown,
        "query": query,
        "paged": cursor is not None,
        "list_error": error,
        "short_q": 0 < len(shown["q"]) < 2,
    }
    return htmx.render(request, "incidents/list.html", context, fragment="incidents/_results.html")


def _form_values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {
        key: str(form.get(key) or "")
        for key in ("title", "description", "occurredAt", "platform", "urls", "locationKind")
    }
    values.update({k: str(form.get(k) or "") for k in ("severity", "status", "closureReason", "etag")})
    values["override"] = [str(v) for v in form.getlist("override")]
    values["overrideReason"] = str(form.get("overrideReason") or "")
    values["hadOverride"] = bool(form.get("hadOverride"))
    if "caseHandlerId" in form:
        values["caseHandlerId"] = str(form.get("caseHandlerId") or "")
    values["behaviours"] = [str(v) for v in form.getlist("behaviours")]
    values["original"] = str(form.get("original") or "")
    return values


def _changes(values: dict[str, Any]) -> dict[str, Any]:
    """Only what the user changed since the form was opened, so a save never reverts someone
    else's change to another field (the form carries its starting values)."""
    body = _body(values, edit=True)
    try:
        original = json.loads(values["original"])
    except (json.JSONDecodeError, TypeError):
        return body
    if not isinstance(original, dict):
        return body
    before = _body({**values, **original}, edit=True)
    return {key: value for key, value in body.items() if before.get(key, _ABSENT) != value}


_ABSENT = object()


def _body(values: dict[str, Any], *, edit: bool) -> dict[str, Any]:
    """The API body of the report or edit form."""
    body: dict[str, Any] = {
        "title": values["title"].strip() or None,
        "occurredAt": local_to_utc(values["occurredAt"]),
        "platform": values["platform"] or None,
        "behaviours": values["behaviours"],
        "description": values["description"],
        "urls": lines(values["urls"]),
        "locationKind": values["locationKind"] or None,
    }
    if edit:
        body["severity"] = values["severity"] or None
        body["status"] = values["status"] or None
        if values["closureReason"].strip():
            body["closureReason"] = values["closureReason"].strip()
        # A merge patch: absent keys stay as they are; required facts cannot be emptied.
        patch = {k: v for k, v in body.items() if v is not None}
        if values["override"]:
            patch["classificationOverride"] = {
                "categories": values["override"],
                "reason": values["overrideReason"].strip(),
            }
        elif values["hadOverride"]:
            patch["classificationOverride"] = None  # back to the derived classification
        if "caseHandlerId" in values:  # only when the form offered the choice; empty unassigns
            patch["caseHandlerId"] = values["caseHandlerId"] or None
        return patch
    return {k: v for k, v in body.items() if v not in (None, "", [])} | {"behaviours": values["behaviours"]}


def _form_error(
    request: Request,
    lang: Language,
    values: dict[str, Any],
    exc: ApiError,
    *,
    template: str,
    extra: dict[str, Any],
) -> Response:
    """The API's objections next to the fields; the form keeps what was typed."""
    if exc.status == 401:
        request.state.web_session.end(expired=True)
        errors: dict[str, str] = {}
        messages = [
            lang.gettext(
                "Your session has expired. Log in again in a new tab (the link below), "
                "then send this form again: what you typed is kept here."
            )
        ]
        login_link = True
    else:
        errors, rest = field_errors(lang.gettext, exc, FORM_FIELDS)
        summary = (
            lang.gettext("Not saved: check the fields marked below.") if errors else _describe(lang, exc)
        )
        messages = [summary, *rest]
        login_link = False
    context = {
        "form": values,
        "errors": errors,
        "messages": messages,
        "login_link": login_link,
        "fields": [
            f for f in FORM_FIELDS if f not in (EDIT_ONLY if extra.get("mode") == "new" else NEW_ONLY)
        ],
        **extra,
    }
    status = 400 if exc.status < 500 and exc.status != 401 else exc.status
    if request.headers.get("HX-Request") == "true":
        return htmx.oob_only(request, "forms/errors_oob.html", context, status_code=exc.status)
    return htmx.render(request, template, context, status_code=status)


def _describe(lang: Language, exc: ApiError) -> str:
    return describe(lang.gettext, exc)


@router.get("/incidents/new")
def new_incident(request: Request, _session: LoggedIn) -> Response:
    """The fast path: what happened, when, where, links and screenshots."""
    now = utc_to_local_input(datetime.now(UTC))
    return htmx.render(
        request, "incidents/new.html", {"form": {"behaviours": [], "occurredAt": now}, "mode": "new"}
    )


@router.post("/incidents")
async def create_incident(request: Request, api: UserApi, lang: Lang, session: Session) -> Response:
    """Register the incident, then store the screenshots as evidence."""
    form = await request.form()
    values = _form_values(form)
    files = [f for f in form.getlist("screenshots") if isinstance(f, UploadFile) and f.filename]
    extra = {"mode": "new"}
    problem = await check_screenshots(files, lang=lang, max_bytes=request.app.state.max_upload_bytes)
    if problem:
        exc = ApiError(
            status=400, detail=problem, errors=[FieldProblem("body", "screenshots", "file", problem)]
        )
        return _form_error(request, lang, values, exc, template="incidents/new.html", extra=extra)
    try:
        incident = await api.create_incident(_body(values, edit=False))
    except ApiError as exc:
        return _form_error(request, lang, values, exc, template="incidents/new.html", extra=extra)
    session.flash("success", lang.gettext("Incident %(ref)s is registered.", ref=incident.reference))
    failures = await upload_files(api, incident.id, files, lang=lang, kind="screenshot")
    for failure in failures:
        session.flash("warning", failure)
    return htmx.redirect(request, f"/incidents/{incident.id}")


async def _optional(call: Awaitable[T]) -> T | None:
    """A section the user may not see (403) or that does not apply is left out, not an error page."""
    try:
        return await call
    except ApiError as exc:
        if exc.status in (403, 404, 405):
            return None
        raise


async def detail_context(api: Api, incident_id: str) -> dict[str, Any]:
    """Everything the detail page shows, fetched in parallel."""
    incident, etag = await api.get_incident(incident_id)
    legal, evidence, actions, takedowns, timeline, users = await asyncio.gather(
        _optional(api.legal_assessment(incident_id)),
        _optional(api.list_evidence(incident_id)),
        _optional(api.list_incident_actions(incident_id)),
        _optional(api.list_takedowns(incident_id)),
        _optional(api.timeline(incident_id)),
        _optional(api.list_users()),
    )
    names = {u.id: u.name for u in users or []}
    return {
        "incident": incident,
        "etag": etag,
        "legal": legal,
        "evidence": evidence,
        "actions": actions,
        "takedowns": takedowns,
        "timeline": timeline,
        "users": users or [],
        "user_names": names,
    }


@router.get("/incidents/{incident_id}")
async def show_incident(request: Request, incident_id: str, api: UserApi) -> Response:
    """Facts, classification, evidence, handling and takedown requests of one incident."""
    context = await detail_context(api, incident_id)
    return htmx.render(request, "incidents/detail.html", context)


@router.get("/incidents/{incident_id}/edit")
async def edit_incident(request: Request, incident_id: str, api: UserApi) -> Response:
    """The same form as the report, filled in, with the handling fields."""
    incident, etag = await api.get_incident(incident_id)
    users = await _optional(api.list_users())
    values = {
        "title": incident.title,
        "description": incident.description,
        "occurredAt": utc_to_local_input(incident.occurred_at),
        "platform": incident.platform,
        "behaviours": incident.behaviours,
        "urls": "\n".join(incident.urls),
        "locationKind": incident.location_kind or "",
        "severity": incident.severity,
        "status": incident.status,
        "closureReason": incident.closure_reason or "",
        "caseHandlerId": incident.case_handler_id or "",
        "override": incident.classification_override.categories if incident.classification_override else [],
        "overrideReason": incident.classification_override.reason if incident.classification_override else "",
        "hadOverride": bool(incident.classification_override),
        "etag": etag,
    }
    values["original"] = json.dumps({k: v for k, v in values.items() if k != "etag"})
    context = {"form": values, "mode": "edit", "incident": incident, "handlers": _handlers(users)}
    return htmx.render(request, "incidents/new.html", context)


def _handlers(users: list[User] | None) -> list[tuple[str, str]]:
    """Who can be made case handler: active users with a handling role."""
        "now": datetime.now(UTC),
        "local_input": utc_to_local_input,
        "next_step": casefile.next_step(incident, actions=actions, takedowns=takedowns, evidence=evidence),
    roles = {"case_handler", "privacy_officer", "legal"}
    return [(u.id, u.name) for u in users or [] if u.is_active and roles & set(u.roles)]


@router.post("/incidents/{incident_id}")
async def update_incident(
    request: Request, incident_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Save the edit form with If-Match; a stale form keeps its input and says so."""
    form = await request.form()
    values = _form_values(form)
    extra: dict[str, Any] = {"mode": "edit", "incident": {"id": incident_id}}
    try:
        incident = await api.update_incident(incident_id, _changes(values), etag=values["etag"])
    except ApiError as exc:
        if exc.status == 412:
            current, etag = await api.get_incident(incident_id)
            extra["incident"] = current
            extra["stale"] = True
            # The next save sends only this user's changes, on top of the other one.
            values["etag"] = etag
        if exc.status != 401:
            extra["handlers"] = _handlers(await _optional(api.list_users()))
        return _form_error(request, lang, values, exc, template="incidents/new.html", extra=extra)
    session.flash("success", lang.gettext("Incident %(ref)s is saved.", ref=incident.reference))
    return htmx.redirect(request, f"/incidents/{incident.id}")
