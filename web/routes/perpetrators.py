"""Perpetrator records: the list, one record with its incidents, adding and correcting them."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web import htmx
from web.client import ApiError
from web.deps import Lang, LoggedIn, Session, UserApi
from web.forms import lines
from web.models import PerpetratorRecord
from web.refusal import refuse

router = APIRouter(include_in_schema=False)
FIELDS = ("name", "accountHandles", "relation", "notes")


@router.get("/perpetrators")
async def list_perpetrators(request: Request, api: UserApi) -> Response:
    """The organisation's perpetrator records, newest first; q searches the names."""
    q = request.query_params.get("q", "").strip()
    cursor = request.query_params.get("cursor") or None
    items, next_cursor = await api.list_perpetrators(q=q if len(q) >= 2 else "", cursor=cursor)
    context = {"items": items, "next_cursor": next_cursor, "q": q, "short_q": 0 < len(q) < 2}
    return htmx.render(request, "perpetrators/list.html", context)


@router.get("/perpetrators/new")
def new_perpetrator(request: Request, _session: LoggedIn) -> Response:
    """The form for a new perpetrator record."""
    return htmx.render(request, "perpetrators/form.html", {"form": {}, "mode": "new"})


def _values(form: Any) -> dict[str, Any]:
    return {k: str(form.get(k) or "") for k in (*FIELDS, "etag", "original")}


def _body(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": values["name"].strip() or None,
        "accountHandles": lines(values["accountHandles"]),
        "relation": values["relation"] or None,
        "notes": values["notes"].strip(),
    }


@router.post("/perpetrators")
async def create_perpetrator(request: Request, api: UserApi, lang: Lang, session: Session) -> Response:
    """Add a perpetrator record."""
    values = _values(await request.form())
    body = {k: v for k, v in _body(values).items() if v not in (None, "")}
    try:
        record = await api.create_perpetrator(body)
    except ApiError as exc:
        return await _refused(request, lang, exc, values, mode="new")
    session.flash("success", lang.gettext("The perpetrator record is added."))
    return htmx.redirect(request, f"/perpetrators/{record.id}")


async def _refused(
    request: Request,
    lang: Lang,
    exc: ApiError,
    values: dict[str, Any],
    *,
    mode: str,
    record: Any = None,
    stale: bool = False,
) -> Response:
    if any(e.name in ("body", "") for e in exc.errors):
        # "give a name or at least one account handle" concerns both fields: show it at the name.
        exc.errors = [
            e if e.name not in ("body", "") else type(e)(e.location, "name", e.code, e.detail)
            for e in exc.errors
        ]
    extra = {"mode": mode, "record": record, "stale": stale}
    return await refuse(
        request, lang, exc, fields=FIELDS, form=values, template="perpetrators/form.html", extra=extra
    )


@router.get("/perpetrators/{perpetrator_id}")
async def show_perpetrator(request: Request, perpetrator_id: str, api: UserApi) -> Response:
    """One perpetrator record and the incidents linked to it."""
    (record, _etag), incidents = await asyncio.gather(
        api.get_perpetrator(perpetrator_id), api.perpetrator_incidents(perpetrator_id)
    )
    return htmx.render(request, "perpetrators/detail.html", {"record": record, "incidents": incidents})


def _edit_values(record: PerpetratorRecord, etag: str) -> dict[str, Any]:
    values = {
        "name": record.name or "",
        "accountHandles": "\n".join(record.account_handles),
        "relation": record.relation or "",
        "notes": record.notes,
    }
    return {**values, "etag": etag, "original": json.dumps(values)}


@router.get("/perpetrators/{perpetrator_id}/edit")
async def edit_perpetrator(request: Request, perpetrator_id: str, api: UserApi) -> Response:
    """The same form, filled in."""
    record, etag = await api.get_perpetrator(perpetrator_id)
    context = {"form": _edit_values(record, etag), "mode": "edit", "record": record}
    return htmx.render(request, "perpetrators/form.html", context)


@router.post("/perpetrators/{perpetrator_id}")
async def update_perpetrator(
    request: Request, perpetrator_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Save the corrections with If-Match; only the fields changed in this form are sent."""
    values = _values(await request.form())
    body = _body(values)
    try:
        original = _body({**values, **json.loads(values["original"] or "{}")})
    except json.JSONDecodeError:
        original = {}
    changes = {k: v for k, v in body.items() if original.get(k, object()) != v}
    record: Any = {"id": perpetrator_id}
    try:
        await api.update_perpetrator(perpetrator_id, changes, etag=values["etag"])
    except ApiError as exc:
        if exc.status == 412:
            current, etag = await api.get_perpetrator(perpetrator_id)
            values["etag"], record = etag, current
        return await _refused(request, lang, exc, values, mode="edit", record=record, stale=exc.status == 412)
    session.flash("success", lang.gettext("The perpetrator record is saved."))
    return htmx.redirect(request, f"/perpetrators/{perpetrator_id}")
