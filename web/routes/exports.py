"""Downloading the register exports (GIR, SafetyNet) for a chosen period, through the API."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from web import htmx
from web.client import ApiError
from web.deps import Lang, Session, UserApi
from web.i18n import N_, Language
from web.problems import FieldProblem
from web.refusal import refuse
from web.routes.evidence import _stream

router = APIRouter(include_in_schema=False)
# Whom the API lets download exports (api/routes/exports.py ROLES).
EXPORTERS = ("case_handler", "privacy_officer", "legal", "admin")
REGISTERS = {
    "gir": N_("GIR (Netherlands)"),
    "safetynet": N_("SafetyNet (Denmark)"),
}
FORMATS = {
    "csv": N_("CSV for Excel"),
    "json": N_("JSON (for an integration)"),
}
FIELDS = ("register", "occurredFrom", "occurredTo", "format")
PREFIX = "export-"


def _defaults(session: Any) -> dict[str, str]:
    """The organisation's own register, from the first of the year until today."""
    today = date.today()
    danish = session.user is not None and session.user.time_zone == "Europe/Copenhagen"
    return {
        "register": "safetynet" if danish else "gir",
        "occurredFrom": today.replace(month=1, day=1).isoformat(),
        "occurredTo": today.isoformat(),
        "format": "csv",
    }


def _context(form: dict[str, str]) -> dict[str, Any]:
    return {"form": form, "registers": REGISTERS, "formats": FORMATS}


def _day(value: str, field: str, lang: Language) -> datetime | FieldProblem | None:
    """A date field as the start of that day in the organisation's time zone (empty: no bound)."""
    if not value:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), time(), tzinfo=lang.tz)
    except ValueError:
        return FieldProblem("query", field, "date_parsing", "not a date")


@router.get("/exports")
async def show_exports(request: Request, session: Session) -> Response:
    """The form: which register, which period, which format (for whom the API lets export)."""
    if not session.has_role(*EXPORTERS):
        raise HTTPException(403)
    return htmx.render(request, "exports/page.html", _context(_defaults(session)))


@router.get("/exports/download")
async def download_export(request: Request, api: UserApi, lang: Lang, session: Session) -> Response:
    """The export from the API, passed on as a file; a refused period is shown next to its field."""
    query = request.query_params
    form = {name: str(query.get(name) or "").strip() for name in FIELDS}
    register = form["register"] if form["register"] in REGISTERS else "gir"
    fmt = form["format"] if form["format"] in FORMATS else "csv"
    start = _day(form["occurredFrom"], "occurredFrom", lang)
    last = _day(form["occurredTo"], "occurredTo", lang)
    problems = [value for value in (start, last) if isinstance(value, FieldProblem)]
    try:
        if problems:
            raise ApiError(status=400, detail="The period is not valid.", errors=problems)
        params: dict[str, str] = {}
        if isinstance(start, datetime):
            params["occurredFrom"] = start.isoformat()
        if isinstance(last, datetime):
            # The period includes its last day: the API's bound is exclusive.
            params["occurredTo"] = (last + timedelta(days=1)).isoformat()
        download = await api.register_export(register, fmt, params)
    except ApiError as exc:
        return await refuse(
            request,
            lang,
            exc,
            fields=FIELDS,
            form=form,
            prefix=PREFIX,
            template="exports/page.html",
            extra=_context(form),
        )
    suffix = "csv" if fmt == "csv" else "json"
    return _stream(download, filename=f"{register}-export.{suffix}")
