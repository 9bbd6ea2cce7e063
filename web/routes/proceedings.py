"""The police decision of an incident (context, reach, frequency, impact) and civil claims' particulars."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web import htmx
from web.client import Api, ApiError
from web.deps import Lang, Session, UserApi
from web.models import Action, CivilClaim
from web.refusal import refuse

router = APIRouter(include_in_schema=False)

POLICE_FIELDS = ("context", "reach", "impact", "impactNotes", "decision", "reason")
CLAIM_FIELDS = ("claimant", "claimantName", "route", "damage", "amount", "currency")


def _page(api: Api, incident_id: str) -> Any:
    async def load() -> tuple[str, dict[str, Any]]:
        from web.routes.incidents import detail_context  # the incident page owns its data

        return "incidents/detail.html", await detail_context(api, incident_id)

    return load


async def context(api: Api, incident_id: str, actions: list[Action] | None) -> dict[str, Any]:
    """The sections' data: the police decision with its form values, and each claim by action."""
    try:
        found, claims = await asyncio.gather(
            api.police_assessment(incident_id), api.list_civil_claims(incident_id)
        )
    except ApiError as exc:
        if exc.status in (403, 404):
            return {"police_assessment": None, "civil_claims": None}
        raise
    police_form: dict[str, str] = {"etag": ""}
    record = found[0] if found else None
    if found:
        record, etag = found
        police_form = {
            "context": record.context,
            "reach": record.reach,
            "impact": record.impact,
            "impactNotes": record.impact_notes or "",
            "decision": record.decision,
            "reason": record.reason or "",
            "etag": etag,
        }
    by_action: dict[str, CivilClaim] = {c.action_id: c for c in claims}
    claim_actions = [a for a in actions or [] if a.kind == "civil_claim"]
    return {
        "police_assessment": record,
        "police_form": police_form,
        "civil_claims": by_action,
        "claim_actions": claim_actions,
        "claim_forms": {a.id: claim_form(by_action.get(a.id)) for a in claim_actions},
    }


def claim_form(claim: CivilClaim | None) -> dict[str, str]:
    """A claim's form values (empty for a claim without particulars yet)."""
    if claim is None:
        return {"etag": "", "currency": ""}
    return {
        "claimant": claim.claimant,
        "claimantName": claim.claimant_name or "",
        "route": claim.route,
        "damage": claim.damage,
        "amount": claim.amount,
        "currency": claim.currency,
        "etag": f'"{claim.version}"',
    }


def amount(value: str, language: str) -> str:
    """An amount as typed in the user's language (nl, da: 1.250,50; en: 1,250.50) as the API's 1250.50."""
    value = value.strip().replace(" ", "").replace("\u00a0", "")
    if language == "en":
        return value.replace(",", "")
    return value.replace(".", "").replace(",", ".")


async def _form(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}


def _text(form: dict[str, str], name: str) -> str | None:
    return form.get(name, "").strip() or None


@router.post("/incidents/{incident_id}/police-assessment")
async def save_police_assessment(
    request: Request, incident_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Record or replace the police decision; a stale form keeps its input."""
    form = await _form(request)
    body = {name: _text(form, name) for name in POLICE_FIELDS}
    try:
        await api.put_police_assessment(
            incident_id, {k: v for k, v in body.items() if v is not None}, etag=form.get("etag", "")
        )
    except ApiError as exc:
        return await refuse(
            request, lang, exc, fields=POLICE_FIELDS, form=form, prefix="pa-", page=_page(api, incident_id)
        )
    session.flash("success", lang.gettext("The police decision is recorded."))
    return htmx.redirect(request, f"/incidents/{incident_id}#police-assessment")


@router.post("/incidents/{incident_id}/actions/{action_id}/civil-claim")
async def save_civil_claim(
    request: Request, incident_id: str, action_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Record or replace the claimant, route, damage and amount of a civil claim."""
    form = await _form(request)
    body: dict[str, Any] = {name: _text(form, name) for name in CLAIM_FIELDS}
    if body["amount"]:
        body["amount"] = amount(body["amount"], lang.code)
    if body["claimant"] != "employee":
        body["claimantName"] = None  # only an employee who claims is named
    try:
        await api.put_civil_claim(
            action_id, {k: v for k, v in body.items() if v is not None}, etag=form.get("etag", "")
        )
    except ApiError as exc:
        return await refuse(
            request,
            lang,
            exc,
            fields=CLAIM_FIELDS,
            form=form,
            prefix=f"claim-{action_id}-",
            page=_page(api, incident_id),
        )
    session.flash("success", lang.gettext("The claim is recorded."))
    return htmx.redirect(request, f"/incidents/{incident_id}#claim-{action_id}")
