"""Request and response bodies of /legal-packs and the legal assessment of an incident."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator

from app.incident.models import Behaviour
from app.organisation.models import Country
from app.schemas import ApiModel

Text = Annotated[str, Field(min_length=1, max_length=4000)]


class Punishable(StrEnum):
    """Whether a behaviour is a criminal offence: always, or only under the stated circumstances."""

    yes = "yes"
    under_circumstances = "under_circumstances"


class PackCountry(StrEnum):
    """The legal packs there are (path key of /legal-packs)."""

    nl = "nl"
    dk = "dk"


class LocalText(ApiModel):
    """A text in Dutch, Danish and English."""

    nl: Text
    da: Text
    en: Text


class Article(ApiModel):
    """A criminal-code article, e.g. `Sr 285` or `Strfl. § 266`."""

    code: Annotated[str, Field(min_length=1, max_length=40)]
    title: LocalText


class BehaviourRule(ApiModel):
    """What the law says about one behaviour."""

    punishable: Punishable
    articles: list[Article] = Field(min_length=1, max_length=20)
    condition: LocalText


class PoliticalOfficeHolderRule(ApiModel):
    """Why the protocol does not apply when the target holds political office, and which articles do."""

    articles: list[Article] = Field(min_length=1, max_length=20)
    explanation: LocalText


class LegalPackContent(ApiModel):
    """A legal pack: for every behaviour the articles, whether it is punishable, and when."""

    country: Country
    name: LocalText
    source: Annotated[str, Field(min_length=1, max_length=2000)]
    behaviours: dict[Behaviour, BehaviourRule]
    political_office_holder: PoliticalOfficeHolderRule

    @model_validator(mode="after")
    def _every_behaviour(self) -> LegalPackContent:
        missing = [b.value for b in Behaviour if b not in self.behaviours]
        if missing:
            raise ValueError(f"behaviours must cover every behaviour; missing: {', '.join(missing)}")
        return self


class LegalPackPublic(LegalPackContent):
    """A legal pack as stored for the caller's organisation."""

    version: int
    updated_at: datetime
    updated_by: uuid.UUID | None = Field(description="The legal staff member who last changed it.")


class BehaviourAssessment(ApiModel):
    """The pack's rule for one behaviour of the incident."""

    behaviour: Behaviour
    punishable: Punishable
    articles: list[Article]
    condition: LocalText


class IncidentSignal(ApiModel):
    """A warning derived from several incidents, e.g. a repeat perpetrator (possible stalking)."""

    kind: Literal["systematic"]
    code: Literal["repeat_perpetrator"] = Field(
        description="What the signal means, stable for translation: repeat_perpetrator = one perpetrator "
        "in several incidents within the window (possible stalking; see articles)."
    )
    label: str = Field(
        examples=["systematic - possible stalking (Sr 285b)"],
        description="An English label for logs and scripts; user interfaces translate `code`.",
    )
    articles: list[str]
    perpetrator_id: uuid.UUID
    since: datetime


class LegalAssessment(ApiModel):
    """The suggested articles and the handling duties that follow from an incident's facts."""

    incident_id: uuid.UUID
    pack: PackCountry
    pack_version: int
    behaviours: list[BehaviourAssessment]
    suggested_articles: list[Article] = Field(
        description="Every article of the behaviours (and of the political-office rule), once each."
    )
    punishable: Punishable | None = Field(
        description="yes when any behaviour is always punishable, else under_circumstances."
    )
    police_report_required: bool
    police_report_reason: str | None = Field(description="In the organisation's language.")
    police_report_reason_code: Literal["death_threat"] | None = Field(
        default=None,
        description="Why a police report is required, stable for translation: death_threat = a death "
        "threat is always reported to the police, before anything is removed.",
    )
    protocol_not_applicable: bool
    protocol_not_applicable_reason: str | None
    political_office_holder: bool
    signals: list[IncidentSignal]
