"""The recording-permission desk: register a citizen's request to record, decide it, hand a receipt,
register a breach of the conditions (it becomes an incident), and edit the house rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from web import htmx
from web.client import Api, ApiError, FieldProblem
from web.deps import Lang, Session, UserApi
from web.forms import Gettext, lines, local_to_utc, utc_to_local_input
from web.i18n import N_, Language
from web.models import RecordingPermission
from web.refusal import refuse
from web.routes.evidence import _stream
from web.vocabulary import BEHAVIOURS

router = APIRouter(include_in_schema=False)
# Every employee row the form may carry (the API accepts 20); empty rows are ignored.
MAX_EMPLOYEES = 20
EMPTY_ROWS = 2
EMPLOYEE_FIELDS = tuple(
    f"employee-{i}-{part}" for i in range(MAX_EMPLOYEES) for part in ("name", "consent", "consentAt")
)
DECISION_FIELDS = ("decision", "refusalGround", "reason", "alternative", "conditionsAccepted")
FIELDS = (
    "requester",
    "contact",
    "conversationAt",
    "place",
    "context",
    "publicSpace",
    "kinds",
    "employees",
    *EMPLOYEE_FIELDS,
    *DECISION_FIELDS,
)
DECIDE_FIELDS = ("employees", *EMPLOYEE_FIELDS, *DECISION_FIELDS)
VIOLATION_FIELDS = (
    "kinds",
    "steps",
    "occurredAt",
    "detectedAt",
    "description",
    "urls",
    "platform",
    "behaviours",
    "severity",
)
LANGUAGES = (("nl", "Nederlands"), ("da", "Dansk"), ("en", "English"))
RULES_FIELDS = ("title", "body")

# Refusals about the request itself (not a field of the form), in the user's language.
PATH_MESSAGES = {
    "no-conditions": N_(
        "This request was not granted, so it has no conditions to break. Report the recording as an incident."
    ),
}
# The API's body paths that a form shows under another name.
RENAMED = {"requester/name": "requester", "requester/contact": "contact"}


def _field_name(path: str) -> str:
    """The form field of an API field path: employees/2/consent is employee-2-consent."""
    if path in RENAMED:
        return RENAMED[path]
    parts = path.split("/")
    if parts[0] == "employees" and len(parts) == 3 and parts[1].isdigit():
        return f"employee-{parts[1]}-{'name' if parts[2] in ('userId', 'name') else parts[2]}"
    return path


def translated(exc: ApiError, gettext: Gettext) -> ApiError:
    """The refusal with each error named as its form field (web.forms words it by its code)."""
    problems: list[FieldProblem] = []
    detail = exc.detail
    for problem in exc.errors:
        if problem.location == "path" and problem.code in PATH_MESSAGES:
            detail = gettext(PATH_MESSAGES[problem.code])
            continue
        problems.append(replace(problem, name=_field_name(problem.name)))
    return replace(exc, detail=detail, errors=problems)


# --- reading the forms ---------------------------------------------------------------------------------


def _form(raw: FormData, lists: tuple[str, ...]) -> dict[str, Any]:
    form: dict[str, Any] = {k: str(v) for k, v in raw.items() if k not in ("csrf_token", *lists)}
    for name in lists:
        form[name] = [str(v) for v in raw.getlist(name)]
    return form


def employee_rows(form: dict[str, Any]) -> list[dict[str, str]]:
    """The employee rows as typed, with room for a few more (for browsers without JavaScript)."""
    rows = [
        {part: str(form.get(f"employee-{i}-{part}", "")) for part in ("name", "consent", "consentAt")}
        for i in range(MAX_EMPLOYEES)
    ]
    last = max((i for i, row in enumerate(rows) if any(row.values())), default=-1)
    return rows[: min(MAX_EMPLOYEES, max(last + 1 + EMPTY_ROWS, 3))]


def _fields(base: tuple[str, ...], form: dict[str, Any]) -> tuple[str, ...]:
    """The form's fields with the employee rows that were sent filled in (they are on the page)."""
    filled = [
        i
        for i in range(MAX_EMPLOYEES)
        if any(form.get(f"employee-{i}-{part}") for part in ("name", "consentAt"))
    ]
    rows = tuple(
        f"employee-{i}-{part}"
        for i in range(max(filled, default=-1) + 1)
        for part in ("name", "consent", "consentAt")
    )
    return tuple(f for f in base if not f.startswith("employee-")) + rows


def _employees(form: dict[str, Any]) -> list[dict[str, Any]]:
    """Each filled-in row as the API's ConcernedEmployee, keeping the row number for errors."""
    conversation = local_to_utc(str(form.get("conversationAt", "")))
    now = datetime.now(UTC)
    try:
        # An answer without a time was given at the desk, before the conversation started.
        default_at = min(now, datetime.fromisoformat(conversation)) if conversation else now
    except ValueError:
        default_at = now
    found = []
    for row in employee_rows(form):
        if not row["name"].strip() and not row["consentAt"]:
            continue
        consent = row["consent"] or "not_asked"
        employee: dict[str, Any] = {"name": row["name"].strip(), "consent": consent}
        if row["consentAt"]:
            employee["consentAt"] = local_to_utc(row["consentAt"])
        elif consent != "not_asked":
            employee["consentAt"] = default_at.astimezone(UTC).isoformat()
        found.append(employee)
    return found


def _decision(form: dict[str, Any]) -> dict[str, Any]:
    return {
        "decision": form.get("decision") or "pending",
        "reason": form.get("reason", "").strip() or None,
        "refusalGround": form.get("refusalGround") or None,
        "alternative": form.get("alternative", "").strip() or None,
        "conditionsAccepted": bool(form.get("conditionsAccepted")),
    }


def _body(form: dict[str, Any]) -> dict[str, Any]:
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
        "employees": _employees(form),
        **_decision(form),
    }
    return {k: v for k, v in body.items() if v is not None}


# --- the desk ------------------------------------------------------------------------------------------


async def _desk_page(api: Api, cursor: str | None = None) -> tuple[str, dict[str, Any]]:
    items, next_cursor = await api.list_recording_permissions(filters=[], cursor=cursor)
    return "recording/desk.html", {"items": items, "next_cursor": next_cursor, "fields": FIELDS}


@router.get("/recording-permissions")
async def desk(request: Request, api: UserApi) -> Response:
    """Recent requests and the form for a new one."""
    template, context = await _desk_page(api, request.query_params.get("cursor") or None)
    form = {"conversationAt": utc_to_local_input(datetime.now(UTC)), "kinds": [], "decision": "pending"}
    context |= {"form": form, "form_prefix": "rp-", "employees": employee_rows(form)}
    return htmx.render(request, template, context)


@router.post("/recording-permissions")
async def register(request: Request, api: UserApi, lang: Lang, session: Session) -> Response:
    """Register the request and its decision; then the receipt can be printed."""
    form = _form(await request.form(), ("kinds",))
    try:
        created = await api.create_recording_permission(_body(form))
    except ApiError as exc:
        return await refuse(
            request,
            lang,
            translated(exc, lang.gettext),
            fields=_fields(FIELDS, form),
            form=form,
            prefix="rp-",
            page=lambda: _desk_page(api),
            extra={"employees": employee_rows(form)},
        )
    session.flash("success", lang.gettext("The request is registered. Print or send the receipt below."))
    return htmx.redirect(request, f"/recording-permissions/{created.id}")


# --- one request -------------------------------------------------------------------------------------


def _decide_form(permission: RecordingPermission, etag: str) -> dict[str, Any]:
    form: dict[str, Any] = {
        "decision": permission.decision,
        "refusalGround": permission.refusal_ground or "",
        "reason": permission.reason or "",
        "alternative": permission.alternative or "",
        "conditionsAccepted": "true" if permission.conditions_accepted else "",
        "conversationAt": utc_to_local_input(permission.conversation_at),
        "etag": etag,
    }
    for i, employee in enumerate(permission.employees):
        form[f"employee-{i}-name"] = employee.name
        form[f"employee-{i}-consent"] = employee.consent
        form[f"employee-{i}-consentAt"] = utc_to_local_input(employee.consent_at)
    return form


async def _detail_page(api: Api, permission_id: str, lang: Language) -> tuple[str, dict[str, Any]]:
    permission, etag = await api.get_recording_permission_versioned(permission_id)
    violations = await api.list_recording_violations(permission_id)
    decide = _decide_form(permission, etag)
    now = utc_to_local_input(datetime.now(UTC))
    return "recording/detail.html", {
        "permission": permission,
        "violations": violations,
        "decide_form": decide,
        "decide_employees": employee_rows(decide),
        "violation_form": {
            "occurredAt": now,
            "kinds": [],
            "steps": [],
            "behaviours": [],
            "platform": "other",
        },
        "languages": LANGUAGES,
        "etag": etag,
        # Every breach is a recording without permission; the form asks for what came on top.
        "other_behaviours": [(k, v) for k, v in BEHAVIOURS.items() if k != "unauthorised_recording"],
    }


@router.get("/recording-permissions/{permission_id}")
async def show(request: Request, permission_id: str, api: UserApi, lang: Lang) -> Response:
    """One request: its facts, the decision, the receipt and the breaches."""
    template, context = await _detail_page(api, permission_id, lang)
    return htmx.render(request, template, context)


@router.post("/recording-permissions/{permission_id}/decision")
async def decide(
    request: Request, permission_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Record (or change) the decision and the consents, with If-Match; a stale form keeps its input."""
    form = _form(await request.form(), ())
    body = {"employees": _employees(form), **_decision(form)}
    try:
        await api.update_recording_permission(permission_id, body, etag=str(form.get("etag", "")))
    except ApiError as exc:
        extra: dict[str, Any] = {"decide_employees": employee_rows(form)}
        if exc.status == 412:
            _, etag = await api.get_recording_permission_versioned(permission_id)
            form["etag"] = etag  # saving again applies this input on top of the other change
            extra["stale"] = True

        async def page() -> tuple[str, dict[str, Any]]:
            template, context = await _detail_page(api, permission_id, lang)
            return template, {**context, "decide_form": form, **extra}

        return await refuse(
            request,
            lang,
            translated(exc, lang.gettext),
            fields=_fields(DECIDE_FIELDS, form),
            form=form,
            prefix="dc-",
            page=page,
            extra=extra,
        )
    session.flash("success", lang.gettext("The decision is recorded."))
    return htmx.redirect(request, f"/recording-permissions/{permission_id}")


@router.post("/recording-permissions/{permission_id}/violations")
async def register_violation(
    request: Request, permission_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Register a breach of the conditions; the new linked incident opens."""
    form = _form(await request.form(), ("kinds", "behaviours", "steps"))
    body: dict[str, Any] = {
        "kinds": form["kinds"],
        "steps": form["steps"],
        "occurredAt": local_to_utc(form.get("occurredAt", "")),
        "detectedAt": local_to_utc(form.get("detectedAt", "")),
        "description": form.get("description", "").strip() or None,
        "urls": lines(form.get("urls", "")),
        "behaviours": form["behaviours"],
        "platform": form.get("platform") or "other",
        "severity": form.get("severity") or None,
    }
    try:
        violation = await api.create_recording_violation(
            permission_id, {k: v for k, v in body.items() if v is not None}
        )
    except ApiError as exc:

        async def page() -> tuple[str, dict[str, Any]]:
            template, context = await _detail_page(api, permission_id, lang)
            return template, {**context, "violation_form": form}

        return await refuse(
            request,
            lang,
            translated(exc, lang.gettext),
            fields=VIOLATION_FIELDS,
            form=form,
            prefix="vi-",
            page=page,
        )
    session.flash(
        "success",
        lang.gettext(
            "The breach is registered as incident %(ref)s. Handle it here.", ref=violation.incident_reference
        ),
    )
    return htmx.redirect(request, f"/incidents/{violation.incident_id}")


@router.get("/recording-permissions/{permission_id}/receipt")
async def receipt(request: Request, permission_id: str, api: UserApi, lang: Lang) -> Response:
    """The receipt for the citizen as PDF, in the chosen language."""
    language = request.query_params.get("language") or lang.code
    return _stream(await api.recording_receipt(permission_id, language))


# --- house rules -----------------------------------------------------------------------------------


def _rules_language(request: Request, lang: Language) -> str:
    chosen = request.query_params.get("language") or lang.code
    return chosen if chosen in dict(LANGUAGES) else "nl"


async def _rules_page(api: Api, language: str) -> tuple[str, dict[str, Any]]:
    slug = await api.organisation_slug()
    rules, etag = await api.get_recording_rules(slug, language)
    form = {"title": rules.title, "body": rules.body, "etag": etag, "language": language}
    context = {
        "rules": rules,
        "form": form,
        "languages": LANGUAGES,
        "language_code": language,
        "fields": RULES_FIELDS,
    }
    return "recording/rules.html", context


@router.get("/recording-rules")
async def rules_form(request: Request, api: UserApi, lang: Lang) -> Response:
    """The house rules on recordings, one language at a time, for administrators to edit."""
    template, context = await _rules_page(api, _rules_language(request, lang))
    return htmx.render(request, template, {**context, "form_prefix": "hr-"})


@router.post("/recording-rules")
async def save_rules(request: Request, api: UserApi, lang: Lang, session: Session) -> Response:
    """Publish the edited text in one language (If-Match)."""
    form = _form(await request.form(), ())
    language = str(form.get("language")) if form.get("language") in dict(LANGUAGES) else "nl"
    body = {"title": form.get("title", "").strip(), "body": form.get("body", "").strip()}
    try:
        slug = await api.organisation_slug()
        await api.replace_recording_rules(slug, language, body, etag=str(form.get("etag", "")))
    except ApiError as exc:
        extra: dict[str, Any] = {}
        if exc.status == 412:
            _, form["etag"] = await api.get_recording_rules(await api.organisation_slug(), language)
            extra["stale"] = True

        async def page() -> tuple[str, dict[str, Any]]:
            template, context = await _rules_page(api, language)
            return template, {**context, "form": form, **extra}

        return await refuse(
            request, lang, exc, fields=RULES_FIELDS, form=form, prefix="hr-", page=page, extra=extra
        )
    session.flash("success", lang.gettext("The house rules are published."))
    return htmx.redirect(request, f"/recording-rules?language={language}")
