"""Request and response bodies of /legal-packs and the legal assessment of an incident."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator

from app.action.models import ActionKind
from app.incident.models import Behaviour, Classification, Severity
from app.organisation.models import Country, Role
from app.schemas import ApiModel

Text = Annotated[str, Field(min_length=1, max_length=4000)]


class Punishable(StrEnum):
    """Whether a behaviour is a criminal offence: always, only under the stated circumstances, or not."""

    yes = "yes"
    under_circumstances = "under_circumstances"
    no = "no"


class ReportLevel(StrEnum):
    """What a rule says about a police report: required, suggested (to be weighed), or nothing."""

    required = "required"
    suggested = "suggested"
    off = "off"


class RemovalGate(StrEnum):
    """Whether removal waits for the police report: refused until then, a warning, or not at all."""

    hard = "hard"
    warning = "warning"
    off = "off"


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


class SourceRef(ApiModel):
    """Where a rule comes from: the source document and its section (or table row)."""

    document: Annotated[str, Field(min_length=1, max_length=300)]
    section: Annotated[str, Field(min_length=1, max_length=1000)]


class BehaviourRule(ApiModel):
    """What the law says about one behaviour, and the facts of it that drive the classification."""

    punishable: Punishable
    articles: list[Article] = Field(min_length=1, max_length=20)
    condition: LocalText
    privacy: bool = Field(
        default=False,
        description="The behaviour exposes personal data or images: classification (c), privacy.",
    )
    default_severity: Severity | None = Field(
        default=None,
        description="The severity an incident with this behaviour gets when the reporter gives none "
        "(the highest of its behaviours'; medium when none has one).",
    )
    source: SourceRef


class ReportTrigger(ApiModel):
    """One rule that makes a police report required or suggested."""

    level: ReportLevel
    source: SourceRef


class OrganisationThreatTrigger(ReportTrigger):
    """A threat against the organisation (target: organisation) that endangers staff."""

    behaviours: list[Behaviour] = Field(
        min_length=1, max_length=30, description="The behaviours that make it a threat."
    )


class RemovalRule(ApiModel):
    """Whether removing content waits for the police report, when one is required."""

    gate: RemovalGate
    source: SourceRef


class PoliceReportRules(ApiModel):
    """When a police report is required or suggested, and whether removal waits for it."""

    classifications: dict[Classification, ReportTrigger] = Field(
        description="Per classification of the incident (the case handler's override, else derived)."
    )
    under_circumstances: ReportTrigger | None = Field(
        default=None,
        description="A behaviour that is criminal only under circumstances: weigh whether they hold.",
    )
    behaviours: dict[Behaviour, ReportTrigger] = Field(
        default_factory=dict, description="Per behaviour, whatever the classification (e.g. a death threat)."
    )
    organisation_threat: OrganisationThreatTrigger | None = None
    removal: RemovalRule


class GirRule(ApiModel):
    """GIR (NL): 'persoonlijke bedreiging' for these behaviours, '(non-)verbale agressie' otherwise."""

    personal_threat_behaviours: list[Behaviour] = Field(max_length=30)
    source: SourceRef


class SafetynetRule(ApiModel):
    """SafetyNet (DK): every incident as minor violence etc.; a work injury when the criterion holds."""

    work_injury_severities: list[Severity] = Field(
        max_length=4, description="A serious incident ('af grov karakter'): one of these severities."
    )
    work_injury_on_strong_reaction: bool = Field(
        description="A work injury when the employee reacts strongly (the incident's strongReaction)."
    )
    source: SourceRef


class RegisterRules(ApiModel):
    """The register categories; a pack without a register's rule uses the shipped pack of that
    register's country (GIR: nl, SafetyNet: dk)."""

    gir: GirRule | None = None
    safetynet: SafetynetRule | None = None


class PoliticalOfficeHolderRule(ApiModel):
    """Why the protocol does not apply when the target holds political office, and which articles do."""

    articles: list[Article] = Field(min_length=1, max_length=20)
    explanation: LocalText
    source: SourceRef


PackCode = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]


class FiledBy(StrEnum):
    """Who files the police report: the injured employee (DK) or the organisation as employer (NL)."""

    injured_employee = "injured_employee"
    organisation = "organisation"


class PoliceReportFiling(ApiModel):
    """Who files the police report, who helps, and whether several employees may file one together."""

    filed_by: FiledBy
    helped_by: list[Role] = Field(max_length=7, description="The roles that help the filer (DK: the leader).")
    collective: bool = Field(description="Several affected employees may file one report together.")
    source: SourceRef


class OffenderContactRule(ApiModel):
    """Who talks to the offender. These roles also record the incident's handling (actions and
    takedown requests), besides case handlers, privacy officers and legal staff."""

    roles: list[Role] = Field(min_length=1, max_length=7)
    never_the_employee: bool = Field(description="The affected employee never talks to the offender.")
    source: SourceRef


class HelpContact(ApiModel):
    """Someone the organisation consults or refers to (a crisis line, legal advisers)."""

    code: PackCode
    name: LocalText
    phone: str | None = Field(default=None, min_length=1, max_length=40)
    source: SourceRef


class AftercareStep(ApiModel):
    """An aftercare step offered to the employee, with the help contact it refers to."""

    code: PackCode
    label: LocalText
    contact: PackCode | None = Field(default=None, description="The code of one of the help contacts.")
    source: SourceRef


class ChecklistItem(ApiModel):
    """One point of the leader's checklist; ticked when an action of the kind (and step) is done."""

    code: PackCode
    text: LocalText
    action_kind: ActionKind | None = Field(
        default=None, description="Ticked by a done action of this kind; null: guidance only."
    )
    steps: list[PackCode] = Field(
        default_factory=list,
        max_length=20,
        description="Only an action with one of these aftercare steps or consulted help contacts ticks it.",
    )
    source: SourceRef


class HandlingRules(ApiModel):
    """Who files the police report, who talks to the offender, aftercare, help contacts, checklist."""

    police_report_filing: PoliceReportFiling
    offender_contact: OffenderContactRule
    aftercare: list[AftercareStep] = Field(max_length=30)
    help_contacts: list[HelpContact] = Field(max_length=30)
    leader_checklist: list[ChecklistItem] = Field(max_length=40)

    @model_validator(mode="after")
    def _known_codes(self) -> HandlingRules:
        contacts = {c.code for c in self.help_contacts}
        steps = {a.code for a in self.aftercare}
        if len(contacts) != len(self.help_contacts) or len(steps) != len(self.aftercare):
            raise ValueError("aftercare and helpContacts codes must be unique")
        unknown = sorted({a.contact for a in self.aftercare if a.contact} - contacts)
        unknown += sorted({s for item in self.leader_checklist for s in item.steps} - contacts - steps)
        if unknown:
            raise ValueError(f"unknown codes: {', '.join(unknown)}")
        return self


class LegalPackContent(ApiModel):
    """A legal pack: for every behaviour the articles, whether it is punishable, and when."""

    country: Country
    name: LocalText
    source: Annotated[str, Field(min_length=1, max_length=2000)]
    behaviours: dict[Behaviour, BehaviourRule]
    political_office_holder: PoliticalOfficeHolderRule | None = Field(
        default=None,
        description="Why the protocol does not apply to political office holders; null where the "
        "country's source makes no such exception (DK).",
    )
    police_report: PoliceReportRules
    registers: RegisterRules
    handling: HandlingRules | None = Field(
        default=None,
        description="Who files the police report and who helps, who talks to the offender (and records "
        "the handling), the aftercare offered, help contacts and the leader's checklist; null: the "
        "shipped pack's.",
    )

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
    source: SourceRef


class PoliceReportReason(ApiModel):
    """One rule of the pack that asks for a police report for this incident."""

    code: Literal["classification", "under_circumstances", "behaviour", "organisation_threat"]
    level: ReportLevel
    classification: Classification | None = None
    behaviour: Behaviour | None = None
    source: SourceRef


class IncidentSignal(ApiModel):
    """A warning derived from several incidents, e.g. a repeat perpetrator (possible stalking)."""

    kind: Literal["systematic"]
    code: Literal["repeat_perpetrator", "prolonged_frequency"] = Field(
        description="What the signal means, stable for translation: repeat_perpetrator = one perpetrator "
        "in several incidents within the window (possible stalking; see articles); prolonged_frequency "
        "= the incident's frequency is prolonged: aggression that goes on systematically is stalking "
        "(webdossier, seeds/002; the stalking articles of the organisation's pack)."
    )
    label: str = Field(
        examples=["systematic - possible stalking (Sr 285b)"],
        description="An English label for logs and scripts; user interfaces translate `code`.",
    )
    articles: list[str]
    perpetrator_id: uuid.UUID | None = Field(
        description="The repeat perpetrator's record; null for prolonged_frequency."
    )
    since: datetime = Field(
        description="Since when the signal holds; for prolonged_frequency the incident's occurredAt."
    )


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
    police_report_required: bool = Field(
        description="The incident's flag: set by the pack's required rules (or the case handler)."
    )
    police_report_suggested: bool = Field(
        description="The pack suggests a police report (to be weighed) and none is required."
    )
    police_report_reasons: list[PoliceReportReason] = Field(
        description="Every rule of the pack that requires or suggests a police report, with its source."
    )
    police_report_reason: str | None = Field(description="In the organisation's language.")
    police_report_reason_code: (
        Literal["death_threat", "criminal_offence", "organisation_threat", "under_circumstances"] | None
    ) = Field(
        default=None,
        description="The leading reason, stable for translation: death_threat (always reported), "
        "criminal_offence, organisation_threat (a threat against the organisation that endangers "
        "staff), under_circumstances (criminal under circumstances: weigh it).",
    )
    removal_gate: RemovalGate = Field(
        description="While a required police report is not done or waived: hard = removal requests "
        "cannot be sent, warning = they can, with a warning, off = no link."
    )
    removal_gate_source: SourceRef
    protocol_not_applicable: bool
    protocol_not_applicable_reason: str | None
    political_office_holder: bool
    signals: list[IncidentSignal]
