"""The audit log: who did what, when, with the hash chain."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web import htmx
from web.deps import Lang, UserApi
from web.forms import local_to_utc
from web.vocabulary import AUDIT_ACTIONS

router = APIRouter(include_in_schema=False)


@router.get("/audit")
async def audit_log(request: Request, api: UserApi, lang: Lang) -> Response:
    """Audit events, newest first, filtered by action, object or period."""
    shown = {k: request.query_params.get(k, "").strip() for k in ("action", "objectId", "from", "to")}
    filters = {"action": shown["action"], "objectId": shown["objectId"]}
    if shown["from"]:
        filters["from"] = local_to_utc(shown["from"] + "T00:00") or ""
    if shown["to"]:
        filters["to"] = local_to_utc(shown["to"] + "T23:59:59") or ""
    cursor = request.query_params.get("cursor") or None
    items, next_cursor = await api.list_audit_events(filters=filters, cursor=cursor)
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor" and v]
    context = {
        "items": items,
        "next_cursor": next_cursor,
        "filters": shown,
        "query": query,
        "paged": bool(cursor),
        "action_options": sorted(
            ((code, lang.gettext(label)) for code, label in AUDIT_ACTIONS.items()), key=lambda o: o[1]
        ),
    }
    return htmx.render(request, "audit/list.html", context, fragment="audit/_results.html")
