"""The stalking signal of an incident whose aggression goes on for a long time.

The webdossier (seeds/002): aggression can happen once, several times or go on for a long time;
"als het stelselmatig aanhoudt, is dit stalking". A prolonged frequency therefore raises the same
kind of signal as a repeat perpetrator, citing the stalking articles of the organisation's pack.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import object_session
from sqlmodel import Session, select

from app.incident.models import Behaviour, Frequency, Incident
from app.legal.schemas import IncidentSignal

CACHE = "weerbaar.stalking_articles"


def _stalking_articles(session: Session, organisation_id: uuid.UUID) -> list[str]:
    """The stalking articles of the organisation's pack (the shipped pack until legal staff saved one);
    read once per request and organisation."""
    from app.legal import service as legal
    from app.legal.models import LegalPack

    cache: dict[uuid.UUID, list[str]] = session.info.setdefault(CACHE, {})
    if organisation_id not in cache:
        country = legal.pack_country(session, organisation_id)
        stored = session.exec(
            select(LegalPack).where(
                LegalPack.organisation_id == organisation_id, LegalPack.country == country.value
            )
        ).first()
        content: dict[str, Any] = (
            legal.effective_content(stored) if stored else legal.default_content(country.value)
        )
        rule = content["behaviours"].get(Behaviour.stalking.value, {})
        cache[organisation_id] = [a["code"] for a in rule.get("articles", [])]
    return cache[organisation_id]


def prolonged_signals(incident: Incident, session: Session | None = None) -> list[IncidentSignal]:
    """The prolonged-frequency signal, when the incident's frequency is prolonged."""
    if incident.frequency != Frequency.prolonged.value:
        return []
    found: Any = session or object_session(incident)
    if found is None:
        return []
    articles = _stalking_articles(found, incident.organisation_id)
    cited = f" ({', '.join(articles)})" if articles else ""
    return [
        IncidentSignal(
            kind="systematic",
            code="prolonged_frequency",
            label=f"prolonged - possible stalking{cited}",
            articles=articles,
            perpetrator_id=None,
            since=incident.occurred_at,
        )
    ]
