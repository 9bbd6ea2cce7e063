"""The preparedness plan: a page for everyone, edited by coordinators and administrators, and a small
aside shown on the report form and the dashboard."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from web import htmx
from web.aftercare import PreparednessPlan
from web.client import Api, ApiError
from web.deps import Lang, Session, UserApi
from web.i18n import N_, Language
from web.refusal import refuse

router = APIRouter(include_in_schema=False)
KEEPERS = ("case_handler", "admin")
CONTACT_ROWS_FREE = 2
PLAN_FIELDS = ("norm", "monitoring", "searchTerms", "response", "removalGuidance", "contacts", "nextReviewOn")
CONTACT_KEYS = ("name", "role", "phone", "email")
# The norm as the VNG handling instruction suggests it (shared/seeds/001, "Beleidsvorming"); the
# Dutch catalogue carries the protocol's own words.
SUGGESTED_NORM = N_("We do not tolerate aggressive statements about our employees on social media.")


def _form_of(plan: PreparednessPlan, etag: str) -> dict[str, Any]:
    """The edit form filled in from the plan, with free rows for new contacts."""
    rows = [c.model_dump() for c in plan.contacts] + [{}] * CONTACT_ROWS_FREE
    return {
        "etag": etag,
        "norm": plan.norm,
        "monitoring": plan.monitoring,
        "searchTerms": "\n".join(plan.search_terms),
        "response": plan.response,
        "removalGuidance": plan.removal_guidance,
        "nextReviewOn": plan.next_review_on.isoformat() if plan.next_review_on else "",
        "contacts": [
            {f"contacts-{i}-{key}": row.get(key) or "" for key in CONTACT_KEYS} for i, row in enumerate(rows)
        ],
    }


def _values(raw: FormData) -> dict[str, Any]:
    """The form as typed (contacts as rows), to refill it."""
    values: dict[str, Any] = {
        name: str(raw.get(name) or "")
        for name in ("etag", "norm", "monitoring", "searchTerms", "response", "removalGuidance")
    }
    values["nextReviewOn"] = str(raw.get("nextReviewOn") or "")
    rows = []
    i = 0
    while f"contacts-{i}-name" in raw:
        rows.append(
            {f"contacts-{i}-{key}": str(raw.get(f"contacts-{i}-{key}") or "") for key in CONTACT_KEYS}
        )
        i += 1
    values["contacts"] = rows
    return values


def _body(values: dict[str, Any]) -> dict[str, Any]:
    """The API body: rows left empty are dropped."""
    contacts = []
    for i, row in enumerate(values["contacts"]):
        contact = {key: row[f"contacts-{i}-{key}"].strip() or None for key in CONTACT_KEYS}
        if any(contact.values()):
            contacts.append(
                {k: v for k, v in contact.items() if v is not None} | {"name": contact["name"] or ""}
            )
    return {
        "norm": values["norm"],
        "monitoring": values["monitoring"],
        # One term a line; empty lines are dropped.
        "searchTerms": [line.strip() for line in values["searchTerms"].splitlines() if line.strip()],
        "response": values["response"],
        "removalGuidance": values["removalGuidance"],
        "contacts": contacts,
        "nextReviewOn": values["nextReviewOn"] or None,
    }


async def _public_rules_url(api: Api, lang: Language) -> str | None:
    """The public house-rules page, where the norm is published (None if this user may not read it)."""
    try:
        rules, _etag = await api.get_recording_rules(await api.organisation_slug(), lang.code)
    except ApiError:
        return None
    return rules.page_url


@router.get("/preparedness")
async def show_plan(request: Request, api: UserApi, lang: Lang, session: Session) -> Response:
    """The organisation's preparedness plan; coordinators and administrators edit it here."""
    plan, etag = await api.preparedness_plan()
    context = {
        "plan": plan,
        "public_rules_url": await _public_rules_url(api, lang) if plan.norm else None,
        "keeper": session.has_role(*KEEPERS),
        "form": _form_of(plan, etag),
        "suggested_norm": lang.gettext(SUGGESTED_NORM),
    }
    return htmx.render(request, "preparedness/page.html", context)


@router.post("/preparedness")
async def save_plan(request: Request, api: UserApi, lang: Lang, session: Session) -> Response:
    """Save the whole plan (the version read with the form, so no one's change is lost)."""
    values = _values(await request.form())
    try:
        await api.replace_preparedness_plan(_body(values), etag=values["etag"] or '"0"')
    except ApiError as exc:
        plan, _etag = await api.preparedness_plan()
        return await refuse(
            request,
            lang,
            exc,
            fields=PLAN_FIELDS,
            form=values,
            prefix="plan-",
            template="preparedness/page.html",
            extra={"plan": plan, "keeper": True, "suggested_norm": lang.gettext(SUGGESTED_NORM)},
        )
    session.flash("success", lang.gettext("The preparedness plan is saved."))
    return htmx.redirect(request, "/preparedness")


@router.get("/preparedness/norm.txt")
async def norm_text(api: UserApi, lang: Lang) -> Response:
    """The norm as plain text, to publish on the organisation's own website (Weerbaar itself has no
    public pages: every page asks for a login)."""
    plan, _etag = await api.preparedness_plan()
    if not plan.norm:
        return RedirectResponse("/preparedness", status_code=303)
    return Response(
        plan.norm + "\n",
        media_type="text/plain; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="norm.txt"', "Content-Language": lang.code},
    )


@router.get("/preparedness/aside")
async def plan_aside(request: Request, api: UserApi, session: Session, place: str = "dashboard") -> Response:
    """The norm and whom to call, loaded into the report form and the dashboard."""
    try:
        plan, _etag = await api.preparedness_plan()
    except ApiError as exc:
        if exc.status not in (403, 404):
            raise
        plan = None
    context = {
        "plan": plan,
        "place": "report" if place == "report" else "dashboard",
        "keeper": session.has_role(*KEEPERS),
    }
    return htmx.render(request, "preparedness/_aside.html", context)
