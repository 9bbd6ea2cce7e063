"""The country rules of a legal pack applied to an incident's facts: classification, default
severity, police report, removal gate and register categories.

Pure functions over a validated pack (no database): the one place where a behaviour's facts turn
into outcomes. The organisation's pack is the data (app/legal/packs/ shipped, edited per
organisation by legal staff); app.legal.service loads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from app.incident.models import (
    Behaviour,
    Classification,
    GirCategory,
    SafetynetCategory,
    Severity,
)
from app.legal.schemas import (
    GirRule,
    LegalPackContent,
    Punishable,
    RemovalGate,
    ReportLevel,
    ReportTrigger,
    SafetynetRule,
    SourceRef,
)

ORDER = (Classification.criminal, Classification.actionable, Classification.privacy)
SEVERITY_ORDER = (Severity.low, Severity.medium, Severity.high, Severity.critical)


def derive_classification(pack: LegalPackContent, behaviours: Iterable[str]) -> list[str]:
    """(a) criminal for a behaviour the pack calls always punishable, (c) privacy for one that
    exposes personal data or images, (b) "not criminal but to be handled" for every other."""
    found: set[Classification] = set()
    for raw in behaviours:
        rule = pack.behaviours[Behaviour(raw)]
        if rule.punishable == Punishable.yes:
            found.add(Classification.criminal)
        if rule.privacy:
            found.add(Classification.privacy)
        if rule.punishable != Punishable.yes and not rule.privacy:
            found.add(Classification.actionable)
    return [c.value for c in ORDER if c in found]


def default_severity(pack: LegalPackContent, behaviours: Iterable[str]) -> str:
    """The highest default severity of the behaviours; medium when none names one."""
    ranks = [
        SEVERITY_ORDER.index(rule.default_severity)
        for raw in behaviours
        if (rule := pack.behaviours[Behaviour(raw)]).default_severity is not None
    ]
    return SEVERITY_ORDER[max(ranks)].value if ranks else Severity.medium.value


@dataclass(frozen=True)
class ReportReason:
    """One rule that asks for a police report, with its source."""

    code: str  # classification, under_circumstances, behaviour, organisation_threat
    level: ReportLevel
    source: SourceRef
    classification: str | None = None
    behaviour: str | None = None


@dataclass(frozen=True)
class PoliceReportOutcome:
    required: bool
    suggested: bool
    reasons: list[ReportReason] = field(default_factory=list)


def police_report(
    pack: LegalPackContent,
    *,
    behaviours: Iterable[str],
    classification: Iterable[str],
    targets: Iterable[str],
) -> PoliceReportOutcome:
    """Whether the pack's rules require or suggest a police report for these facts, and why."""
    rules = pack.police_report
    found = list(dict.fromkeys(behaviours))
    reasons: list[ReportReason] = []

    def add(trigger: ReportTrigger | None, code: str, **extra: str) -> None:
        if trigger is not None and trigger.level != ReportLevel.off:
            reasons.append(ReportReason(code=code, level=trigger.level, source=trigger.source, **extra))

    for raw in dict.fromkeys(classification):
        add(rules.classifications.get(Classification(raw)), "classification", classification=raw)
    if any(pack.behaviours[Behaviour(b)].punishable == Punishable.under_circumstances for b in found):
        add(rules.under_circumstances, "under_circumstances")
    for raw in found:
        add(rules.behaviours.get(Behaviour(raw)), "behaviour", behaviour=raw)
    threat = rules.organisation_threat
    threatening = threat is not None and {b.value for b in threat.behaviours} & set(found)
    if threatening and "organisation" in set(targets):
        add(threat, "organisation_threat")
    required = any(r.level == ReportLevel.required for r in reasons)
    suggested = not required and any(r.level == ReportLevel.suggested for r in reasons)
    return PoliceReportOutcome(required=required, suggested=suggested, reasons=reasons)


def removal_gate(pack: LegalPackContent) -> RemovalGate:
    """Whether removing content waits for a required police report (hard), warns (warning), or not."""
    return pack.police_report.removal.gate


def gir_category(rule: GirRule, behaviours: Iterable[str]) -> GirCategory:
    """'persoonlijke bedreiging' for the rule's behaviours, '(non-)verbale agressie' otherwise."""
    threats = {b.value for b in rule.personal_threat_behaviours}
    return GirCategory.personal_threat if threats & set(behaviours) else GirCategory.verbal_aggression


def is_work_injury(rule: SafetynetRule, *, severity: str, strong_reaction: bool, reported: bool) -> bool:
    """SafetyNet's criterion: a serious incident, or the employee reacts strongly (or a work-injury
    report was recorded as an action)."""
    serious = severity in {s.value for s in rule.work_injury_severities}
    return reported or serious or (rule.work_injury_on_strong_reaction and strong_reaction)


def safetynet_category(
    rule: SafetynetRule, *, severity: str, strong_reaction: bool, reported: bool
) -> SafetynetCategory:
    """Work injury when the criterion holds, else minor violence, threats and offensive behaviour."""
    injury = is_work_injury(rule, severity=severity, strong_reaction=strong_reaction, reported=reported)
    return SafetynetCategory.work_injury if injury else SafetynetCategory.minor_violence
