"""The handling rules of an organisation's legal pack: who files the police report, who talks to the
offender (and so records the handling), the aftercare offered, the help contacts, the leader's checklist."""

from __future__ import annotations

import uuid

from sqlmodel import Session, select

from app.auth.actor import HANDLER_ROLES, Actor
from app.errors import Forbidden
from app.legal.models import LegalPack
from app.legal.schemas import HandlingRules
from app.legal.service import default_content, pack_country
from app.organisation.models import Role

CACHE = "weerbaar.handling_rules"


def rules_of(session: Session, *, organisation_id: uuid.UUID) -> HandlingRules:
    """The organisation's handling rules: its saved pack's, else the shipped pack's (no write)."""
    cache: dict[uuid.UUID, HandlingRules] = session.info.setdefault(CACHE, {})
    if organisation_id in cache:
        return cache[organisation_id]
    country = pack_country(session, organisation_id).value
    stored = session.exec(
        select(LegalPack.content).where(
            LegalPack.organisation_id == organisation_id, LegalPack.country == country
        )
    ).first()
    raw = (stored or {}).get("handling") or default_content(country)["handling"]
    rules = HandlingRules.model_validate(raw)
    cache[organisation_id] = rules
    return rules


def may_record_handling(session: Session, *, actor: Actor, organisation_id: uuid.UUID) -> None:
    """Handling (actions, takedown requests) is recorded by case handlers, privacy officers and legal
    staff, and by the roles the pack has talk to the offender (Silkeborg: the leader)."""
    if actor.kind != "user" or actor.has_role(*HANDLER_ROLES):
        return
    talkers = set(rules_of(session, organisation_id=organisation_id).offender_contact.roles)
    if actor.has_role(*(talkers - {Role.employee})):
        return
    raise Forbidden("Only case handlers, privacy officers and legal staff record the handling here.")
