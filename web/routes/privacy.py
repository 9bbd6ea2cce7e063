"""Privacy-sensitive data of an employee online: the case handler asks a privacy officer to judge a
request to the medium (a consultation action assigned to them)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web import htmx
from web.client import Api, ApiError, FieldProblem
from web.deps import Lang, Session, UserApi
from web.forms import local_to_utc
from web.refusal import refuse

router = APIRouter(include_in_schema=False)
FIELDS = ("assigneeId", "dueAt", "description")


def _page(api: Api, incident_id: str) -> Any:
    async def load() -> tuple[str, dict[str, Any]]:
        from web.routes.incidents import detail_context  # the incident page owns its data

        return "incidents/detail.html", await detail_context(api, incident_id)

    return load


@router.post("/incidents/{incident_id}/privacy-consultation")
async def ask_privacy_officer(
    request: Request, incident_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Add a consultation assigned to the chosen privacy officer; they see it among their actions."""
    form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    body: dict[str, Any] = {
        "kind": "consultation",
        "assigneeId": form.get("assigneeId") or None,
        "dueAt": local_to_utc(form.get("dueAt", "")),
        "description": form.get("description", "").strip()
        or lang.gettext("Privacy officer: judge a request to the medium to remove the employee's data."),
    }
    if body["assigneeId"] is None:
        exc = ApiError(
            status=400,
            detail=lang.gettext("Choose the privacy officer to consult."),
            errors=[FieldProblem("body", "assigneeId", "required", "required")],
        )
        return await refuse(
            request, lang, exc, fields=FIELDS, form=form, prefix="privacy-", page=_page(api, incident_id)
        )
    try:
        await api.create_action(incident_id, {k: v for k, v in body.items() if v is not None})
    except ApiError as exc:
        return await refuse(
            request, lang, exc, fields=FIELDS, form=form, prefix="privacy-", page=_page(api, incident_id)
        )
    session.flash(
        "success", lang.gettext("The privacy officer is asked; the consultation is among the actions.")
    )
    return htmx.redirect(request, f"/incidents/{incident_id}#privacy")
