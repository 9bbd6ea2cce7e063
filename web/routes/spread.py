"""How widely a post spread and the re-checks of removed URLs, on the incident page."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from web import htmx
from web.aftercare import COVERAGE, OUTCOMES, RECHECK_STATUSES, SPREAD_KINDS
from web.client import Api, ApiError
from web.deps import Lang, Session, UserApi
from web.forms import local_to_utc
from web.refusal import refuse
from web.routes.evidence import incident_page

router = APIRouter(include_in_schema=False)
SPREAD_FIELDS = ("url", "kind", "platform", "reach", "note", "foundAt")
RECHECK_FIELDS = ("url", "intervalDays", "durationDays", "takedownRequestId", "status")


async def _optional(call: Any) -> Any:
    try:
        return await call
    except ApiError as exc:
        if exc.status in (403, 404, 405):
            return None
        raise


async def spread_sections(api: Api, incident_id: str) -> dict[str, Any]:
    """What the incident page's spread and aftercare sections show (None: the user may not see it)."""
    spread_items, rechecks, plan = await asyncio.gather(
        _optional(api.list_spread_items(incident_id)),
        _optional(api.list_url_rechecks(incident_id)),
        _optional(api.preparedness_plan()),
    )
    return {
        "spread_items": spread_items,
        "rechecks": rechecks,
        "plan": plan[0] if plan else None,
        "aftercare": {
            "spread_kinds": SPREAD_KINDS,
            "coverage": COVERAGE,
            "outcomes": OUTCOMES,
            "recheck_statuses": RECHECK_STATUSES,
        },
    }


def _spread_values(raw: FormData) -> dict[str, str]:
    return {name: str(raw.get(name) or "").strip() for name in SPREAD_FIELDS}


def _spread_body(values: dict[str, str], *, edit: bool) -> dict[str, Any]:
    """The API body; on creation only what was filled in, an edit clears emptied optional fields."""
    body: dict[str, Any] = {
        "url": values["url"] or None,
        "kind": values["kind"] or None,
        "platform": values["platform"] or None,
        "note": values["note"] or None,
        "foundAt": local_to_utc(values["foundAt"]),
    }
    reach = values["reach"].replace(".", "").replace(",", "").replace(" ", "")
    body["reach"] = (int(reach) if reach.isdigit() else values["reach"]) if values["reach"] else None
    if edit:
        if body["foundAt"] is None:
            del body["foundAt"]
        return body
    return {k: v for k, v in body.items() if v is not None}


@router.post("/incidents/{incident_id}/spread")
async def create_spread_item(
    request: Request, incident_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Record a copy or repost found later."""
    values = _spread_values(await request.form())
    try:
        await api.create_spread_item(incident_id, _spread_body(values, edit=False))
    except ApiError as exc:
        return await refuse(
            request, lang, exc, fields=SPREAD_FIELDS, form=values, prefix="spread-",
            page=incident_page(api, incident_id),
        )  # fmt: skip
    session.flash("success", lang.gettext("The copy or repost is recorded."))
    return htmx.redirect(request, f"/incidents/{incident_id}#spread")


@router.post("/incidents/{incident_id}/spread/{item_id}")
async def edit_spread_item(
    request: Request, incident_id: str, item_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Correct a copy or repost."""
    values = _spread_values(await request.form())
    try:
        await api.update_spread_item(item_id, _spread_body(values, edit=True))
    except ApiError as exc:
        return await refuse(
            request, lang, exc, fields=SPREAD_FIELDS, form=values, prefix=f"sp-{item_id}-",
            page=incident_page(api, incident_id),
        )  # fmt: skip
    session.flash("success", lang.gettext("The copy or repost is saved."))
    return htmx.redirect(request, f"/incidents/{incident_id}#spread-{item_id}")


@router.post("/incidents/{incident_id}/spread/{item_id}/cover")
async def cover_spread_item(
    request: Request, incident_id: str, item_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Add the copy's URL to a draft takedown request."""
    form = await request.form()
    takedown_id = str(form.get("takedownRequestId") or "")
    try:
        await api.cover_spread_item(item_id, takedown_id)
    except ApiError as exc:
        return await refuse(
            request, lang, exc, fields=("takedownRequestId",), form={"takedownRequestId": takedown_id},
            prefix=f"spc-{item_id}-", page=incident_page(api, incident_id),
        )  # fmt: skip
    session.flash("success", lang.gettext("The web address is added to the draft takedown request."))
    return htmx.redirect(request, f"/incidents/{incident_id}#spread-{item_id}")


@router.post("/incidents/{incident_id}/rechecks")
async def create_recheck(
    request: Request, incident_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Start re-checking that a removed URL stays removed."""
    form = await request.form()
    values = {name: str(form.get(name) or "").strip() for name in RECHECK_FIELDS}
    body: dict[str, Any] = {"url": values["url"] or None}
    for name in ("intervalDays", "durationDays"):
        if values[name]:
            body[name] = int(values[name]) if values[name].isdigit() else values[name]
    if values["takedownRequestId"]:
        body["takedownRequestId"] = values["takedownRequestId"]
    try:
        await api.create_url_recheck(incident_id, body)
    except ApiError as exc:
        return await refuse(
            request, lang, exc, fields=RECHECK_FIELDS, form=values, prefix="recheck-",
            page=incident_page(api, incident_id),
        )  # fmt: skip
    session.flash("success", lang.gettext("The web address will be re-checked."))
    return htmx.redirect(request, f"/incidents/{incident_id}#aftercare")


@router.post("/incidents/{incident_id}/rechecks/{recheck_id}")
async def change_recheck(
    request: Request, incident_id: str, recheck_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Stop or resume a re-check, or change how often it looks."""
    form = await request.form()
    values = {name: str(form.get(name) or "").strip() for name in ("status", "intervalDays")}
    body: dict[str, Any] = {}
    if values["status"]:
        body["status"] = values["status"]
    if values["intervalDays"]:
        days = values["intervalDays"]
        body["intervalDays"] = int(days) if days.isdigit() else days
    try:
        await api.update_url_recheck(recheck_id, body)
    except ApiError as exc:
        return await refuse(
            request, lang, exc, fields=("status", "intervalDays"), form=values, prefix=f"rc-{recheck_id}-",
            page=incident_page(api, incident_id),
        )  # fmt: skip
    session.flash("success", lang.gettext("The re-check is updated."))
    return htmx.redirect(request, f"/incidents/{incident_id}#recheck-{recheck_id}")


@router.post("/incidents/{incident_id}/rechecks/{recheck_id}/check")
async def check_now(
    request: Request, incident_id: str, recheck_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Check the web address now and say what was found."""
    try:
        result = await api.check_url_now(recheck_id)
    except ApiError as exc:
        return await refuse(
            request, lang, exc, fields=(), form={}, prefix=f"rc-{recheck_id}-",
            page=incident_page(api, incident_id),
        )  # fmt: skip
    level = "warning" if result.outcome == "back_online" else "success"
    session.flash(level, lang.gettext("Checked: %(outcome)s", outcome=lang.gettext(OUTCOMES[result.outcome])))
    return htmx.redirect(request, f"/incidents/{incident_id}#recheck-{recheck_id}")


SANCTION_FIELDS = ("suspendedService", "startsAt", "endsAt", "takedownRequestId")


@router.post("/incidents/{incident_id}/takedowns/{takedown_id}/sanction")
async def record_sanction(
    request: Request, incident_id: str, takedown_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """The sender ignored the request to remove: suspend services for a period (a sanction action)."""
    form = await request.form()
    values = {name: str(form.get(name) or "").strip() for name in SANCTION_FIELDS[:3]}
    body = {
        "kind": "sanction",
        "takedownRequestId": takedown_id,
        "suspendedService": values["suspendedService"] or None,
        "startsAt": local_to_utc(values["startsAt"]),
        "endsAt": local_to_utc(values["endsAt"]),
    }
    try:
        await api.create_action(incident_id, {k: v for k, v in body.items() if v is not None})
    except ApiError as exc:
        return await refuse(
            request, lang, exc, fields=SANCTION_FIELDS, form=values, prefix=f"tds-{takedown_id}-",
            page=incident_page(api, incident_id),
        )  # fmt: skip
    session.flash("success", lang.gettext("The sanction is recorded."))
    return htmx.redirect(request, f"/incidents/{incident_id}#takedown-{takedown_id}")
