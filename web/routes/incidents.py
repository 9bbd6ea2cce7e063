"""Incidents: the list with live filters, the fast report form, the detail page and editing.

The report and edit forms are one template; the edit form adds who is involved and the handling.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from web import casefile, guideline, htmx
from web.client import Api, ApiError, FieldProblem
from web.deps import Lang, LoggedIn, Session, UserApi
from web.errors import describe
from web.forms import lines, local_to_utc, utc_to_local_input
from web.models import Incident, PerpetratorRecord, User
from web.refusal import refuse
from web.routes import captures, casework, proceedings, spread
from web.uploads import check_screenshots, upload_files

router = APIRouter(include_in_schema=False)
T = TypeVar("T")

LIST_FILTERS = ("status", "behaviour", "platform")
# The form's fields, named like the API's body keys so the API's field errors land next to them.
FORM_FIELDS = (
    "title",
    "description",
    "occurredAt",
    "detectedAt",
    "platform",
    "behaviours",
    "frequency",
    "urls",
    "locationKind",
    "targets",
    "affectedEmployees",
    "perpetrator",
    "perpetratorId",
    "politicalOfficeHolder",
    "confidentiality",
    "severity",
    "status",
    "closureReason",
    "caseHandlerId",
    "girCategory",
    "safetynetCategory",
    "strongReaction",
    "classificationOverride",
    "screenshots",
)
HANDLER_ROLES = ("case_handler", "privacy_officer", "legal")
# Facts that may be emptied in the edit form (null in the merge patch); the others stay when blank.
NULLABLE = frozenset(
    {
        "detectedAt",
        "frequency",
        "locationKind",
        "perpetrator",
        "perpetratorId",
        "caseHandlerId",
        "girCategory",
        "safetynetCategory",
    }
)
NEW_PERPETRATOR = "new"


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
        error = describe(lang.gettext, exc)
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
    """What the report or edit form sent, as strings and lists (to refill the form as it was)."""
    text = (
        "title", "description", "occurredAt", "detectedAt", "platform", "urls", "locationKind",
        "frequency", "severity", "status", "closureReason", "etag", "overrideReason", "affectedOthers",
        "perpetratorKnown", "perpetratorName", "perpetratorHandles", "perpetratorRelation",
        "affectedKnown", "original", "affectedTemporary", "affectedHired",
    )  # fmt: skip
    values: dict[str, Any] = {key: str(form.get(key) or "") for key in text}
    for key in ("behaviours", "targets", "affected", "override"):
        values[key] = [str(v) for v in form.getlist(key)]
    values["hadOverride"] = bool(form.get("hadOverride"))
    # Offered only to some users: absent means "not offered", so the API is not asked to change it.
    for key in ("caseHandlerId", "perpetratorId", "confidentiality", "girCategory", "safetynetCategory"):
        if key in form:
            values[key] = str(form.get(key) or "")
    if form.get("offersPolitical"):
        values["politicalOfficeHolder"] = bool(form.get("politicalOfficeHolder"))
    if form.get("offersStrongReaction"):
        values["strongReaction"] = bool(form.get("strongReaction"))
    return values


def _known_people(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The affected employees the form started with, by user id (keeps their department)."""
    try:
        known = json.loads(values.get("affectedKnown") or "[]")
    except json.JSONDecodeError:
        return {}
    return {e["userId"]: e for e in known if isinstance(e, dict) and e.get("userId")}


def _affected(values: dict[str, Any], names: dict[str, str]) -> list[dict[str, Any]]:
    """The affectedEmployees body: the chosen users (userId and name), then the names typed."""
    known = _known_people(values)
    chosen: list[dict[str, Any]] = []
    for user_id in dict.fromkeys(values["affected"]):
        entry = known.get(user_id) or {"userId": user_id, "name": names.get(user_id, user_id)}
        chosen.append({k: v for k, v in entry.items() if v})
    named = [{"name": name} for name in dict.fromkeys(lines(values["affectedOthers"]))]
    for employment, key in (("temporary", "affectedTemporary"), ("hired", "affectedHired")):
        named += [{"name": n, "employment": employment} for n in dict.fromkeys(lines(values.get(key, "")))]
    return chosen + named


def _perpetrator(values: dict[str, Any]) -> dict[str, Any] | None:
    """The perpetrator as the reporter describes them, or None when nothing is filled in."""
    known, name = values["perpetratorKnown"], values["perpetratorName"].strip()
    handles, relation = lines(values["perpetratorHandles"]), values["perpetratorRelation"]
    if not (known or name or handles or relation):
        return None
    body: dict[str, Any] = {"known": known == "yes" or bool(name), "accountHandles": handles}
    if name:
        body["name"] = name
    if relation:
        body["relation"] = relation
    return body


def _changes(values: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """Only what the user changed since the form was opened, so a save never reverts someone
    else's change to another field (the form carries its starting values)."""
    body = _body(values, edit=True, names=names)
    try:
        original = json.loads(values["original"])
    except (json.JSONDecodeError, TypeError):
        return body
    if not isinstance(original, dict):
        return body
    before = _body({**values, **original}, edit=True, names=names)
    changed = {key: value for key, value in body.items() if before.get(key, _ABSENT) != value}
    if "status" in changed and "closureReason" in body:
        changed["closureReason"] = body["closureReason"]  # the API takes the reason with the closing
    elif "status" not in changed:
        changed.pop("closureReason", None)
    return changed


_ABSENT = object()


def _body(values: dict[str, Any], *, edit: bool, names: dict[str, str] | None = None) -> dict[str, Any]:
    """The API body of the report or edit form."""
    body: dict[str, Any] = {
        "title": values["title"].strip() or None,
        "occurredAt": local_to_utc(values["occurredAt"]),
        "detectedAt": local_to_utc(values["detectedAt"]),
        "platform": values["platform"] or None,
        "behaviours": values["behaviours"],
        "description": values["description"],
        "urls": lines(values["urls"]),
        "locationKind": values["locationKind"] or None,
        "frequency": values["frequency"] or None,
        "targets": values["targets"] or None,
        "affectedEmployees": _affected(values, names or {}),
        "perpetrator": _perpetrator(values),
    }
    if values.get("confidentiality"):
        body["confidentiality"] = values["confidentiality"]
    if "politicalOfficeHolder" in values:
        body["politicalOfficeHolder"] = values["politicalOfficeHolder"]
    if not edit:
        return {k: v for k, v in body.items() if v not in (None, "", [])} | {
            "behaviours": values["behaviours"]
        }
    body["severity"] = values["severity"] or None
    body["status"] = values["status"] or None
    if values["closureReason"].strip():
        body["closureReason"] = values["closureReason"].strip()
    if "perpetratorId" in values:
        body["perpetratorId"] = values["perpetratorId"] or None
    if "caseHandlerId" in values:  # only when the form offered the choice; empty unassigns
        body["caseHandlerId"] = values["caseHandlerId"] or None
    for key in ("girCategory", "safetynetCategory"):  # empty: derived again on export
        if key in values:
            body[key] = values[key] or None
    if "strongReaction" in values:
        body["strongReaction"] = values["strongReaction"]
    # A merge patch: absent keys stay as they are; required facts cannot be emptied.
    patch = {k: v for k, v in body.items() if v is not None or k in NULLABLE}
    if values["override"]:
        patch["classificationOverride"] = {
            "categories": values["override"],
            "reason": values["overrideReason"].strip(),
        }
    elif values["hadOverride"]:
        patch["classificationOverride"] = None  # back to the derived classification
    return patch


def _fields(mode: str) -> list[str]:
    """The error slots the form has in this mode."""
    return [f for f in FORM_FIELDS if mode == "new" or f != "screenshots"]


@router.get("/incidents/new")
def new_incident(request: Request, _session: LoggedIn) -> Response:
    """The fast path: what happened, when, where, links and screenshots; more details folded away."""
    now = utc_to_local_input(datetime.now(UTC))
    form = {"behaviours": [], "targets": [], "affected": [], "occurredAt": now, "confidentiality": "normal"}
    return htmx.render(request, "incidents/new.html", {"form": form, "mode": "new"})


@router.post("/incidents")
async def create_incident(request: Request, api: UserApi, lang: Lang, session: Session) -> Response:
    """Register the incident, then store the screenshots as evidence."""
    form = await request.form()
    values = _form_values(form)
    files = [f for f in form.getlist("screenshots") if isinstance(f, UploadFile) and f.filename]
    extra = {"mode": "new"}

    async def refused(exc: ApiError, **more: Any) -> Response:
        return await refuse(
            request,
            lang,
            exc,
            fields=_fields("new"),
            form=values,
            template="incidents/new.html",
            extra=extra | more,
        )

    problem = await check_screenshots(files, lang=lang, max_bytes=request.app.state.max_upload_bytes)
    if problem:
        # Checked here, already in the user's language and naming the file: shown as it is.
        exc = ApiError(
            status=400, detail=problem, errors=[FieldProblem("body", "screenshots", "file", problem)]
        )
        return await refused(exc, errors={"screenshots": problem})
    try:
        incident = await api.create_incident(_body(values, edit=False))
    except ApiError as exc:
        return await refused(exc)
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

    async def perpetrator_record() -> Any:
        if not incident.perpetrator_id:
            return None
        found = await _optional(api.get_perpetrator(incident.perpetrator_id))
        return found[0] if found else None

    # The sections' own reads do not depend on each other: fetched at the same time.
    record, *sections = await asyncio.gather(
        perpetrator_record(),
        guideline.context(api, legal, actions),
        proceedings.context(api, incident_id, actions),
        spread.spread_sections(api, incident_id),
        casework.context(api, incident),
        captures.context(api, incident_id),
    )
    return {
        **{key: value for section in sections for key, value in section.items()},
        "sender": casework.sender_route(incident, actions, takedowns),
        "perpetrator_record": record,
        "incident": incident,
        "etag": etag,
        "legal": legal,
        "evidence": evidence,
        "actions": actions,
        "takedowns": takedowns,
        "timeline": timeline,
        "users": users or [],
        "user_names": names,
        "now": datetime.now(UTC),
        "local_input": utc_to_local_input,
        "next_step": casefile.next_step(incident, actions=actions, takedowns=takedowns, evidence=evidence),
    }


@router.get("/incidents/{incident_id}")
async def show_incident(request: Request, incident_id: str, api: UserApi) -> Response:
    """Facts, classification, evidence, handling and takedown requests of one incident."""
    context = await detail_context(api, incident_id)
    return htmx.render(request, "incidents/detail.html", context)


def _edit_values(incident: Incident, etag: str, *, handler: bool) -> dict[str, Any]:
    """The edit form filled in from the incident; `original` remembers the starting values."""
    # Users stay linked by id (that gives them access), also in an employee's form without the user list.
    chosen = [e for e in incident.affected_employees if e.user_id]
    others = [e.name for e in incident.affected_employees if not e.user_id and not e.employment]
    by_employment = {
        kind: "\n".join(e.name for e in incident.affected_employees if not e.user_id and e.employment == kind)
        for kind in ("temporary", "hired")
    }
    perpetrator = incident.perpetrator
    known = ""
    if perpetrator:
        known = "yes" if perpetrator.known else "no"
    values: dict[str, Any] = {
        "title": incident.title,
        "description": incident.description,
        "occurredAt": utc_to_local_input(incident.occurred_at),
        "detectedAt": utc_to_local_input(incident.detected_at),
        "platform": incident.platform,
        "behaviours": incident.behaviours,
        "urls": "\n".join(incident.urls),
        "locationKind": incident.location_kind or "",
        "frequency": incident.frequency or "",
        "targets": incident.targets,
        "affected": [e.user_id for e in chosen],
        "affectedOthers": "\n".join(others),
        "affectedTemporary": by_employment["temporary"],
        "affectedHired": by_employment["hired"],
        "affectedKnown": json.dumps([e.model_dump(by_alias=True, exclude_none=True) for e in chosen]),
        "perpetratorKnown": known,
        "perpetratorName": (perpetrator.name or "") if perpetrator else "",
        "perpetratorHandles": "\n".join(perpetrator.account_handles) if perpetrator else "",
        "perpetratorRelation": (perpetrator.relation or "") if perpetrator else "",
        "severity": incident.severity,
        "status": incident.status,
        "closureReason": incident.closure_reason or "",
        "override": incident.classification_override.categories if incident.classification_override else [],
        "overrideReason": incident.classification_override.reason if incident.classification_override else "",
        "hadOverride": bool(incident.classification_override),
        "etag": etag,
    }
    if handler:
        values |= {
            "caseHandlerId": incident.case_handler_id or "",
            "perpetratorId": incident.perpetrator_id or "",
            "confidentiality": incident.confidentiality,
            "politicalOfficeHolder": incident.political_office_holder,
            "girCategory": incident.gir_category or "",
            "safetynetCategory": incident.safetynet_category or "",
            "strongReaction": incident.strong_reaction,
        }
    values["original"] = json.dumps({k: v for k, v in values.items() if k != "etag"})
    return values


async def _edit_context(api: Api, session: Any, incident: Incident) -> dict[str, Any]:
    """What the edit form offers besides the incident: users, case handlers, perpetrator records."""
    handler = session.has_role(*HANDLER_ROLES)
    users: list[User] = []
    records: list[PerpetratorRecord] = []
    if handler:
        found_users, found = await asyncio.gather(
            _optional(api.list_users()), _optional(api.list_perpetrators())
        )
        users = found_users or []
        records = found[0] if found else []
        if incident.perpetrator_id and all(r.id != incident.perpetrator_id for r in records):
            linked = await _optional(api.get_perpetrator(incident.perpetrator_id))
            if linked:
                records.append(linked[0])
    return {
        "mode": "edit",
        "incident": incident,
        "handler": handler,
        "users": [u for u in users if u.is_active],
        "handlers": _handlers(users),
        "perpetrators": records,
        # Users linked to the incident that the form cannot list (an employee's form): named only.
        "linked_names": [
            e.name
            for e in incident.affected_employees
            if e.user_id and e.user_id not in {u.id for u in users}
        ],
    }


@router.get("/incidents/{incident_id}/edit")
async def edit_incident(request: Request, incident_id: str, api: UserApi, session: Session) -> Response:
    """The same form as the report, filled in, with the handling fields for handlers."""
    incident, etag = await api.get_incident(incident_id)
    context = await _edit_context(api, session, incident)
    context["form"] = _edit_values(incident, etag, handler=context["handler"])
    return htmx.render(request, "incidents/new.html", context)


def _handlers(users: list[User] | None) -> list[tuple[str, str]]:
    """Who can be made case handler: active users with a handling role."""
    roles = set(HANDLER_ROLES)
    return [(u.id, u.name) for u in users or [] if u.is_active and roles & set(u.roles)]


async def _new_perpetrator(api: Api, values: dict[str, Any]) -> str:
    """Create the perpetrator record described in the form; its errors land on the perpetrator fields."""
    body: dict[str, Any] = {"accountHandles": lines(values["perpetratorHandles"])}
    if values["perpetratorName"].strip():
        body["name"] = values["perpetratorName"].strip()
    if values["perpetratorRelation"]:
        body["relation"] = values["perpetratorRelation"]
    name = body.get("name", "")
    if len(name) >= 2:
        # A form sent again after a refusal must not add the same record twice.
        same, _next = await api.list_perpetrators(q=name)
        for found in same:
            if (found.name, found.account_handles, found.relation) == (
                name,
                body["accountHandles"],
                body.get("relation"),
            ):
                return found.id
    try:
        record = await api.create_perpetrator(body)
    except ApiError as exc:
        if exc.status != 400:
            raise
        problem = FieldProblem("body", "perpetratorId", "name_or_handle", exc.detail)
        raise ApiError(status=400, detail=exc.detail, errors=[problem]) from exc
    return record.id


@router.post("/incidents/{incident_id}")
async def update_incident(
    request: Request, incident_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Save the edit form with If-Match; a stale form keeps its input and says so."""
    form = await request.form()
    values = _form_values(form)
    extra: dict[str, Any] = {"mode": "edit"}
    try:
        names: dict[str, str] = {}
        if set(values["affected"]) - set(_known_people(values)):
            names = {u.id: u.name for u in await api.list_users()}
        if values.get("perpetratorId") == NEW_PERPETRATOR:
            values["perpetratorId"] = await _new_perpetrator(api, values)
        incident = await api.update_incident(incident_id, _changes(values, names), etag=values["etag"])
    except ApiError as exc:
        if exc.status == 412:
            _current, etag = await api.get_incident(incident_id)
            extra["stale"] = True
            # The next save sends only this user's changes, on top of the other one.
            values["etag"] = etag

        async def page() -> tuple[str, dict[str, Any]]:
            current, _etag = await api.get_incident(incident_id)
            return "incidents/new.html", {**await _edit_context(api, session, current), **extra}

        return await refuse(request, lang, exc, fields=_fields("edit"), form=values, page=page, extra=extra)
    session.flash("success", lang.gettext("Incident %(ref)s is saved.", ref=incident.reference))
    return htmx.redirect(request, f"/incidents/{incident.id}")
