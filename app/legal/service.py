"""Legal packs per organisation (seeded from app/legal/packs/) and the legal assessment of incidents."""

from __future__ import annotations

import json
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from app import concurrency
from app.audit import service as audit
from app.auth.actor import Actor
from app.casework.signals import prolonged_signals
from app.db import seed_unless_present, utcnow
from app.errors import FieldError, Invalid
from app.incident.models import Behaviour, Incident
from app.legal.models import IncidentHandling, LegalPack
from app.legal.schemas import (
    Article,
    BehaviourAssessment,
    IncidentSignal,
    LegalAssessment,
    LegalPackContent,
    LegalPackPublic,
    PackCountry,
    Punishable,
)
from app.organisation.models import Organisation

PACK_DIR = Path(__file__).resolve().parent / "packs"
SYSTEMATIC_ARTICLES = {"nl": "Sr 285b", "dk": "Strfl. § 265"}
POLICE_REPORT_REASON = {
    "nl": "Doodsbedreiging: doe altijd aangifte, vóórdat iets wordt verwijderd.",
    "da": "Dødstrussel: skal altid politianmeldes, før noget fjernes.",
    "en": "Death threat: always report to the police, before anything is removed.",
}


@lru_cache
def default_content(country: str) -> dict[str, Any]:
    """The pack shipped with Weerbaar for this country (validated)."""
    raw = json.loads((PACK_DIR / f"{country}.json").read_text(encoding="utf-8"))
    return LegalPackContent.model_validate(raw).model_dump(mode="json", by_alias=True)


def pack_country(session: Session, organisation_id: uuid.UUID) -> PackCountry:
    """The pack an organisation uses (its country's)."""
    organisation = session.get(Organisation, organisation_id)
    assert organisation is not None
    return PackCountry(
        organisation.legal_pack if organisation.legal_pack in PackCountry.__members__ else "nl"
    )


def locale_of(session: Session, organisation_id: uuid.UUID) -> str:
    """The organisation's default language for generated texts (nl, da or en)."""
    organisation = session.get(Organisation, organisation_id)
    locale = organisation.default_locale if organisation else "en"
    return locale if locale in ("nl", "da", "en") else "en"


def get_pack(session: Session, *, organisation_id: uuid.UUID, country: PackCountry) -> LegalPack:
    """The organisation's copy of the pack; seeded from the shipped file on first read."""
    stmt = select(LegalPack).where(
        LegalPack.organisation_id == organisation_id, LegalPack.country == country.value
    )
    pack = session.exec(stmt).first()
    if pack is not None:
        return pack
    # Two first reads at once must not both insert: the unique key decides, the loser re-reads.
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "organisation_id": organisation_id,
        "country": country.value,
        "content": default_content(country.value),
        "version": 1,
        "updated_at": utcnow(),
    }
    if seed_unless_present(
        session,
        LegalPack.__table__,  # type: ignore[attr-defined]
        values=values,
        key=["organisation_id", "country"],
    ):
        return LegalPack(**values)  # stored aside; this read's snapshot does not see it
    pack = session.exec(stmt).one()
    return pack


def effective_content(pack: LegalPack) -> dict[str, Any]:
    """The stored pack, completed from the shipped one: a behaviour, a key of a rule or a section
    added to Weerbaar after the pack was saved comes from the shipped file (what was saved wins)."""
    shipped = default_content(pack.country)
    stored = pack.content
    behaviours = {
        name: {**rule, **stored["behaviours"].get(name, {})} for name, rule in shipped["behaviours"].items()
    }
    content = {**shipped, **stored, "behaviours": behaviours}
    political = stored.get("politicalOfficeHolder", shipped["politicalOfficeHolder"])
    if political is not None and shipped["politicalOfficeHolder"] is not None:
        political = {**shipped["politicalOfficeHolder"], **political}
    content["politicalOfficeHolder"] = political
    return content


def to_public(pack: LegalPack) -> LegalPackPublic:
    """The API view of a stored pack."""
    return LegalPackPublic.model_validate(
        {
            **effective_content(pack),
            "version": pack.version,
            "updatedAt": pack.updated_at,
            "updatedBy": pack.updated_by_user_id,
        }
    )


def etag(pack: LegalPack) -> str:
    """The strong ETag of the pack's version."""
    return concurrency.etag(pack.version)


def replace_pack(
    session: Session,
    *,
    country: PackCountry,
    data: LegalPackContent,
    actor: Actor,
    if_match: str | None,
) -> LegalPack:
    """Replace the organisation's pack (legal staff), with optimistic locking; audited."""
    pack = get_pack(session, organisation_id=actor.organisation_id, country=country)
    concurrency.check_if_match(current=etag(pack), if_match=if_match, what="the legal pack")
    expected = "NL" if country == PackCountry.nl else "DK"
    if data.country.value != expected:
        raise Invalid(
            "The pack's country does not match the path.",
            [
                FieldError(
                    "country", f"must be {expected} for /legal-packs/{country.value}", "country_mismatch"
                )
            ],
        )
    content = data.model_dump(mode="json", by_alias=True)
    changed = sorted(
        b for b in content["behaviours"] if content["behaviours"][b] != pack.content["behaviours"].get(b)
    )
    pack.content = content
    pack.version += 1
    pack.updated_at = utcnow()
    pack.updated_by_user_id = actor.user_id
    session.add(pack)
    session.flush()
    audit.record(
        session,
        action="legal_pack.replace",
        organisation_id=actor.organisation_id,
        actor=actor,
        object_type="legal_pack",
        object_id=pack.id,
        details={"country": country.value, "version": pack.version, "changedBehaviours": changed},
    )
    return pack


def political_explanation(session: Session, *, organisation_id: uuid.UUID) -> str | None:
    """Why the protocol does not apply to political office holders, in the organisation's language;
    None where the pack makes no such exception (DK)."""
    pack = get_pack(session, organisation_id=organisation_id, country=pack_country(session, organisation_id))
    rule = effective_content(pack)["politicalOfficeHolder"]
    if rule is None:
        return None
    text: str = rule["explanation"][locale_of(session, organisation_id)]
    return text


def signals_of(handling: IncidentHandling | None, country: str) -> list[IncidentSignal]:
    """The signals an incident carries (currently: repeat perpetrator)."""
    if handling is None or handling.systematic_since is None or handling.perpetrator_id is None:
        return []
    article = SYSTEMATIC_ARTICLES.get(country, "Sr 285b")
    return [
        IncidentSignal(
            kind="systematic",
            code="repeat_perpetrator",
            label=f"systematic - possible stalking ({article})",
            articles=[article],
            perpetrator_id=handling.perpetrator_id,
            since=handling.systematic_since,
        )
    ]


def assess(session: Session, *, incident: Incident) -> LegalAssessment:
    """Suggested articles and duties for the incident, from its organisation's pack."""
    country = pack_country(session, incident.organisation_id)
    pack = get_pack(session, organisation_id=incident.organisation_id, country=country)
    content = LegalPackContent.model_validate(effective_content(pack))
    handling = session.get(IncidentHandling, incident.id)
    political = bool(handling and handling.political_office_holder)
    rows: list[BehaviourAssessment] = []
    suggested: dict[str, Article] = {}
    for raw in incident.behaviours:
        rule = content.behaviours[Behaviour(raw)]
        rows.append(
            BehaviourAssessment(
                behaviour=Behaviour(raw),
                punishable=rule.punishable,
                articles=rule.articles,
                condition=rule.condition,
            )
        )
        for article in rule.articles:
            suggested.setdefault(article.code, article)
    if political and content.political_office_holder is not None:
        for article in content.political_office_holder.articles:
            suggested.setdefault(article.code, article)
    punishable = None
    if rows:
        always = any(r.punishable == Punishable.yes for r in rows)
        punishable = Punishable.yes if always else Punishable.under_circumstances
    police_reason = None
    if Behaviour.death_threat.value in incident.behaviours:
        police_reason = POLICE_REPORT_REASON[locale_of(session, incident.organisation_id)]
    return LegalAssessment(
        incident_id=incident.id,
        pack=country,
        pack_version=pack.version,
        behaviours=rows,
        suggested_articles=list(suggested.values()),
        punishable=punishable,
        police_report_required=incident.police_report_required,
        police_report_reason=police_reason,
        police_report_reason_code="death_threat" if police_reason else None,
        protocol_not_applicable=incident.protocol_not_applicable,
        protocol_not_applicable_reason=incident.protocol_not_applicable_reason,
        political_office_holder=political,
        signals=[*signals_of(handling, country.value), *prolonged_signals(incident, session)],
    )


HANDLING_CACHE = "weerbaar.incident_handling"


def public_fields(incident: Incident) -> dict[str, Any]:
    """The handling fields of an incident's API view (perpetrator link, political office, signals).

    A list page loads the handling rows of every incident in the session at once (one query, not
    one per incident); app.legal.handling clears the cache when it adds a row.
    """
    from sqlalchemy.orm import object_session

    session: Any = object_session(incident)
    if session is None:
        return {}
    cache: dict[uuid.UUID, IncidentHandling | None] = session.info.setdefault(HANDLING_CACHE, {})
    if incident.id not in cache:
        ids = {incident.id} | {
            obj.id
            for obj in session.identity_map.values()
            if isinstance(obj, Incident) and obj.id not in cache
        }
        rows = session.exec(select(IncidentHandling).where(col(IncidentHandling.incident_id).in_(ids))).all()
        found = {row.incident_id: row for row in rows}
        cache.update({i: found.get(i) for i in ids})
    handling = cache[incident.id]
    if handling is None:
        return {}
    country = "nl"
    if handling.systematic_since:
        countries: dict[uuid.UUID, str] = session.info.setdefault(HANDLING_CACHE + ".country", {})
        if incident.organisation_id not in countries:
            countries[incident.organisation_id] = pack_country(session, incident.organisation_id).value
        country = countries[incident.organisation_id]
    return {
        "perpetrator_id": handling.perpetrator_id,
        "political_office_holder": handling.political_office_holder,
        "signals": signals_of(handling, country),
    }
