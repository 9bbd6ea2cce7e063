"""The handling rules of the organisation's legal pack as the incident page uses them: who files the
police report, who talks to the offender, aftercare steps, help contacts and the leader's checklist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field

from web.models import Action, LocalText, View


class RuleSource(View):
    document: str = ""
    section: str = ""


class PoliceReportFiling(View):
    filed_by: str = "organisation"
    helped_by: list[str] = Field(default_factory=list)
    collective: bool = False
    source: RuleSource = Field(default_factory=RuleSource)


class OffenderContact(View):
    roles: list[str] = Field(default_factory=list)
    never_the_employee: bool = False
    source: RuleSource = Field(default_factory=RuleSource)


class HelpContact(View):
    code: str
    name: LocalText = Field(default_factory=LocalText)
    phone: str | None = None
    source: RuleSource = Field(default_factory=RuleSource)


class AftercareStep(View):
    code: str
    label: LocalText = Field(default_factory=LocalText)
    contact: str | None = None
    source: RuleSource = Field(default_factory=RuleSource)


class ChecklistItem(View):
    code: str
    text: LocalText = Field(default_factory=LocalText)
    action_kind: str | None = None
    steps: list[str] = Field(default_factory=list)
    source: RuleSource = Field(default_factory=RuleSource)


class HandlingRules(View):
    police_report_filing: PoliceReportFiling = Field(default_factory=PoliceReportFiling)
    offender_contact: OffenderContact = Field(default_factory=OffenderContact)
    aftercare: list[AftercareStep] = Field(default_factory=list)
    help_contacts: list[HelpContact] = Field(default_factory=list)
    leader_checklist: list[ChecklistItem] = Field(default_factory=list)

    @property
    def employee_files(self) -> bool:
        """The injured employee files the police report (Denmark), not the organisation."""
        return self.police_report_filing.filed_by == "injured_employee"

    def contact(self, code: str | None) -> HelpContact | None:
        """The help contact with this code."""
        return next((c for c in self.help_contacts if c.code == code), None)

    def step(self, code: str | None) -> AftercareStep | None:
        """The aftercare step with this code."""
        return next((a for a in self.aftercare if a.code == code), None)


def rules_of(raw: dict[str, Any] | None) -> HandlingRules | None:
    """The handling rules of a legal pack as the API sent them (None without them)."""
    return HandlingRules.model_validate(raw) if raw else None


@dataclass(frozen=True)
class ChecklistRow:
    """One point of the leader's checklist and whether a done action ticks it."""

    item: ChecklistItem
    done: bool
    recorded: bool


def checklist(rules: HandlingRules | None, actions: list[Action] | None) -> list[ChecklistRow]:
    """The leader's checklist with each point ticked by a done action of its kind (and step)."""
    if rules is None:
        return []
    rows = []
    for item in rules.leader_checklist:
        matching = [
            a
            for a in actions or []
            if item.action_kind
            and a.kind == item.action_kind
            and (not item.steps or a.aftercare_step in item.steps or a.consulted in item.steps)
        ]
        rows.append(
            ChecklistRow(
                item=item,
                done=any(a.status == "done" for a in matching),
                recorded=bool(matching),
            )
        )
    return rows


async def load(api: Any, legal: Any) -> HandlingRules | None:
    """The handling rules of the incident's legal pack (None when the pack cannot be read)."""
    from web.client import ApiError

    country = getattr(legal, "pack", None)
    if not country:
        return None
    try:
        raw = await api.legal_pack_handling(country)
    except ApiError:
        return None
    return rules_of(raw)


async def context(api: Any, legal: Any, actions: list[Action] | None) -> dict[str, Any]:
    """The incident page's guideline section: the pack's handling rules and the ticked checklist."""
    rules = await load(api, legal)
    return {"guideline": rules, "checklist": checklist(rules, actions)}
