"""Legal packs per organisation (seeded from app/legal/packs/) and the legal assessment of incidents."""

from __future__ import annotations

import json
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from app import concurrency
from app.audit import service as audit
from app.auth.actor import Actor
from app.casework.signals import prolonged_signals
from app.db import seed_unless_present, utcnow
from app.errors import FieldError, Invalid
from app.incident.models import Behaviour, Incident
from app.legal import rules
from app.legal.models import LegalPack
from app.legal.schemas import (
    Article,
    BehaviourAssessment,
    GirRule,
    IncidentSignal,
    LegalAssessment,
    LegalPackContent,
    LegalPackPublic,
    PackCountry,
    PoliceReportReason,
    Punishable,
    SafetynetRule,
)
from app.organisation.models import Organisation

PACK_DIR = Path(__file__).resolve().parent / "packs"
PACK_CACHE = "weerbaar.legal_pack"
# Why the pack asks for a police report, in the organisation's language (the first reason's code).
POLICE_REPORT_REASON = {
    "death_threat": {
        "nl": "Doodsbedreiging: doe altijd aangifte.",
        "da": "Dødstrussel: skal politianmeldes.",
        "en": "Death threat: always report to the police.",
    },
    "criminal_offence": {
        "nl": "Strafbaar feit: doe aangifte bij de politie.",
        "da": "Strafbart forhold: overvej en politianmeldelse.",
        "en": "Criminal offence: report it to the police.",
    },
    "organisation_threat": {
        "nl": "Dreiging tegen de organisatie met gevaar voor medewerkers: doe aangifte.",
        "da": "Trussel mod organisationen, der bringer medarbejdere i fare: anmeld til politiet.",
        "en": "A threat against the organisation that endangers staff: report it to the police.",
    },
    "under_circumstances": {
        "nl": "Onder omstandigheden strafbaar: weeg af of aangifte nodig is.",
        "da": "Strafbart under omstændigheder: vurdér om der skal ske politianmeldelse.",
        "en": "Criminal under circumstances: weigh whether to report it to the police.",
    },
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
    forget_pack(session)
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


# Validated packs by (pack id, version): every change of a pack raises its version, so a request
# reads only the pack's id and version and validates the content once per version and process.
_VALIDATED: dict[tuple[uuid.UUID, int], LegalPackContent] = {}
_VALIDATED_MAX = 256


def pack_content(session: Session, organisation_id: uuid.UUID) -> LegalPackContent:
    """The organisation's pack (its country's, completed from the shipped file), validated; kept
    for the session so a request reads it once. Treat it as read-only: it is shared."""
    cache: dict[uuid.UUID, LegalPackContent] = session.info.setdefault(PACK_CACHE, {})
    if organisation_id not in cache:
        country = pack_country(session, organisation_id)
        head = session.exec(
            select(LegalPack.id, LegalPack.version).where(
                LegalPack.organisation_id == organisation_id, LegalPack.country == country.value
            )
        ).first()
        content = _VALIDATED.get((head[0], head[1])) if head else None
        if content is None:
            pack = get_pack(session, organisation_id=organisation_id, country=country)
            content = LegalPackContent.model_validate(effective_content(pack))
            if len(_VALIDATED) >= _VALIDATED_MAX:
                _VALIDATED.clear()
            _VALIDATED[(pack.id, pack.version)] = content
        cache[organisation_id] = content
    return cache[organisation_id]


def forget_pack(session: Session) -> None:
    """A pack was replaced: the next read in this session loads it again."""
    session.info.pop(PACK_CACHE, None)


def gir_rule(session: Session, organisation_id: uuid.UUID) -> GirRule:
    """The organisation's GIR rule, else the Dutch pack's (GIR is the Dutch register)."""
    rule = pack_content(session, organisation_id).registers.gir
    if rule is None:
        rule = LegalPackContent.model_validate(default_content("nl")).registers.gir
    assert rule is not None
    return rule


def safetynet_rule(session: Session, organisation_id: uuid.UUID) -> SafetynetRule:
    """The organisation's SafetyNet rule, else the Danish pack's (SafetyNet is the Danish register)."""
    rule = pack_content(session, organisation_id).registers.safetynet
    if rule is None:
        rule = LegalPackContent.model_validate(default_content("dk")).registers.safetynet
    assert rule is not None
    return rule


def systematic_article(session: Session, organisation_id: uuid.UUID) -> str:
    """The article of a repeat perpetrator's pattern: the pack's first article for stalking."""
    return pack_content(session, organisation_id).behaviours[Behaviour.stalking].articles[0].code


def signals_of(incident: Incident) -> list[IncidentSignal]:
    """The signals an incident carries (currently: repeat perpetrator), from its own columns."""
    if incident.systematic_since is None or incident.perpetrator_id is None:
        return []
    article = incident.systematic_article or "Sr 285b"
    return [
        IncidentSignal(
            kind="systematic",
            code="repeat_perpetrator",
            label=f"systematic - possible stalking ({article})",
            articles=[article],
            perpetrator_id=incident.perpetrator_id,
            since=incident.systematic_since,
        )
    ]


def _reason_code(outcome: rules.PoliceReportOutcome) -> str | None:
    """The leading reason: a death threat, the organisation threat, a criminal offence, weighing."""
    codes = set()
    for reason in outcome.reasons:
        if reason.code == "behaviour" and reason.behaviour == Behaviour.death_threat.value:
            codes.add("death_threat")
        elif reason.code == "classification" and reason.classification == "criminal":
            codes.add("criminal_offence")
        elif reason.code in ("organisation_threat", "under_circumstances"):
            codes.add(reason.code)
    order = ("death_threat", "organisation_threat", "criminal_offence", "under_circumstances")
    return next((code for code in order if code in codes), None)


def assess(session: Session, *, incident: Incident) -> LegalAssessment:
    """Suggested articles and duties for the incident, from its organisation's pack."""
    country = pack_country(session, incident.organisation_id)
    pack = get_pack(session, organisation_id=incident.organisation_id, country=country)
    content = pack_content(session, incident.organisation_id)
    political = incident.political_office_holder
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
                source=rule.source,
            )
        )
        for article in rule.articles:
            suggested.setdefault(article.code, article)
    if political and content.political_office_holder is not None:
        for article in content.political_office_holder.articles:
            suggested.setdefault(article.code, article)
    punishable = None
    if rows:
        if any(r.punishable == Punishable.yes for r in rows):
            punishable = Punishable.yes
        elif any(r.punishable == Punishable.under_circumstances for r in rows):
            punishable = Punishable.under_circumstances
        else:
            punishable = Punishable.no
    outcome = rules.police_report(
        content,
        behaviours=incident.behaviours,
        classification=incident.classification_override or incident.derived_classification,
        targets=incident.targets,
    )
    code = _reason_code(outcome)
    police_reason = POLICE_REPORT_REASON[code][locale_of(session, incident.organisation_id)] if code else None
    return LegalAssessment(
        incident_id=incident.id,
        pack=country,
        pack_version=pack.version,
        behaviours=rows,
        suggested_articles=list(suggested.values()),
        punishable=punishable,
        police_report_required=incident.police_report_required,
        police_report_suggested=outcome.suggested and not incident.police_report_required,
        police_report_reasons=[
            PoliceReportReason(
                code=r.code,
                level=r.level,
                classification=r.classification,
                behaviour=r.behaviour,
                source=r.source,
            )
            for r in outcome.reasons
        ],
        police_report_reason=police_reason,
        police_report_reason_code=code,
        removal_gate=rules.removal_gate(content),
        removal_gate_source=content.police_report.removal.source,
        protocol_not_applicable=incident.protocol_not_applicable,
        protocol_not_applicable_reason=incident.protocol_not_applicable_reason,
        political_office_holder=political,
        signals=[*signals_of(incident), *prolonged_signals(incident, session)],
    )
