"""Exports of incidents for the municipal registers: GIR (NL) and SafetyNet (DK).

Each incident becomes one row with the register's category. The rows carry the case facts the
registers ask for (when, what kind, where, how serious, status) and no names or free text: the
register entry refers back to the Weerbaar reference, where the dossier stays.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Session, col, select

from app.action.models import Action, ActionKind
from app.audit import service as audit
from app.auth.actor import Actor
from app.errors import FieldError, Invalid
from app.incident import service as incidents
from app.incident.models import (
    Confidentiality,
    GirCategory,
    Incident,
    SafetynetCategory,
)
from app.integration.external_references import normalise_system
from app.legal import rules
from app.legal import service as legal
from app.legal.schemas import GirRule, SafetynetRule
from app.organisation.models import Locale, Organisation
from app.organisation.schemas import TIME_ZONES


class Register(StrEnum):
    gir = "GIR"
    safetynet = "SafetyNet"


COLUMNS = (
    "reference",
    "incidentId",
    "registerId",
    "category",
    "workInjury",
    "occurredAt",
    "reportedAt",
    "behaviours",
    "classification",
    "platform",
    "locationKind",
    "severity",
    "status",
    "policeReportRequired",
    "affectedEmployeeCount",
    "perpetratorKnown",
    "protocolNotApplicable",
    "closedAt",
)


@dataclass(frozen=True)
class Range:
    """Incidents that occurred in [occurred_from, occurred_to)."""

    occurred_from: datetime | None = None
    occurred_to: datetime | None = None


def check_range(occurred_from: datetime | None, occurred_to: datetime | None) -> Range:
    """The range, or 400 when it ends before it starts."""
    if occurred_from and occurred_to and occurred_to <= occurred_from:
        raise Invalid(
            "The date range is empty: occurredTo must be after occurredFrom.",
            [FieldError("occurredTo", "must be after occurredFrom", "invalid_range", "query")],
        )
    return Range(occurred_from, occurred_to)


def gir_category(incident: Incident, rule: GirRule) -> GirCategory:
    """The GIR category: the case handler's choice, else the legal pack's GIR rule."""
    if incident.gir_category:
        return GirCategory(incident.gir_category)
    return rules.gir_category(rule, incident.behaviours)


def is_work_injury(incident: Incident, rule: SafetynetRule, work_injury_reported: bool) -> bool:
    """The legal pack's SafetyNet criterion: a serious incident or a strong reaction (or a recorded
    work-injury report)."""
    return rules.is_work_injury(
        rule,
        severity=incident.severity,
        strong_reaction=incident.strong_reaction,
        reported=work_injury_reported,
    )


def safetynet_category(
    incident: Incident, rule: SafetynetRule, work_injury_reported: bool
) -> SafetynetCategory:
    """The SafetyNet category: the case handler's choice, else by the legal pack's rule."""
    if incident.safetynet_category:
        return SafetynetCategory(incident.safetynet_category)
    if is_work_injury(incident, rule, work_injury_reported):
        return SafetynetCategory.work_injury
    return SafetynetCategory.minor_violence


@dataclass(frozen=True)
class Audience:
    """Whom a spreadsheet export is for: the organisation's language and time zone."""

    language: str = Locale.nl.value
    time_zone: str = "Europe/Amsterdam"


def audience(session: Session, *, actor: Actor) -> Audience:
    """The caller's organisation's language and time zone."""
    organisation = session.get(Organisation, actor.organisation_id)
    if organisation is None:
        return Audience()
    return Audience(
        language=organisation.default_locale,
        time_zone=TIME_ZONES.get(organisation.country, "Europe/Amsterdam"),
    )


def _statement(actor: Actor) -> Any:
    if actor.kind == "apiClient":
        # exports:read is the need-to-know of a register integration; never strictly confidential.
        return select(Incident).where(
            Incident.organisation_id == actor.organisation_id,
            col(Incident.confidentiality) != Confidentiality.strictly_confidential.value,
        )
    return incidents.visible_statement(actor)


def _work_injuries(session: Session, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    if not ids:
        return set()
    rows = session.exec(
        select(Action.incident_id).where(
            col(Action.incident_id).in_(ids), Action.kind == ActionKind.work_injury_report.value
        )
    ).all()
    return set(rows)


def _register_id(incident: Incident, register: Register) -> str | None:
    for ref in incident.external_references:
        if normalise_system(ref.get("system", "")) == normalise_system(register.value):
            return str(ref.get("id"))
    return None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def rows(session: Session, *, register: Register, actor: Actor, span: Range) -> list[dict[str, Any]]:
    """The export rows, oldest incident first; the export is audited."""
    stmt = _statement(actor)
    if span.occurred_from:
        stmt = stmt.where(col(Incident.occurred_at) >= span.occurred_from)
    if span.occurred_to:
        stmt = stmt.where(col(Incident.occurred_at) < span.occurred_to)
    found: list[Incident] = list(
        session.exec(stmt.order_by(col(Incident.occurred_at), col(Incident.id))).all()
    )
    injuries = _work_injuries(session, [i.id for i in found]) if register == Register.safetynet else set()
    gir_rule = legal.gir_rule(session, actor.organisation_id)
    safetynet_rule = legal.safetynet_rule(session, actor.organisation_id)
    result = []
    for incident in found:
        injury = is_work_injury(incident, safetynet_rule, incident.id in injuries)
        category = (
            gir_category(incident, gir_rule)
            if register == Register.gir
            else safetynet_category(incident, safetynet_rule, incident.id in injuries)
        )
        # The case handler may see a work injury where the rules do not; never the reverse.
        injury = injury or category == SafetynetCategory.work_injury
        result.append(
            {
                "reference": incident.reference,
                "incidentId": str(incident.id),
                "registerId": _register_id(incident, register),
                "category": category,
                "workInjury": injury if register == Register.safetynet else None,
                "occurredAt": _iso(incident.occurred_at),
                "reportedAt": _iso(incident.reported_at),
                "behaviours": list(incident.behaviours),
                "classification": list(incident.classification_override or incident.derived_classification),
                "platform": incident.platform,
                "locationKind": incident.location_kind,
                "severity": incident.severity,
                "status": incident.status,
                "policeReportRequired": incident.police_report_required,
                "affectedEmployeeCount": len(incident.affected_employees),
                "perpetratorKnown": bool((incident.perpetrator or {}).get("known")),
                "protocolNotApplicable": incident.protocol_not_applicable,
                "closedAt": _iso(incident.closed_at),
            }
        )
    audit.record(
        session,
        action=f"export.{register.value.lower()}",
        organisation_id=actor.organisation_id,
        actor=actor,
        object_type="export",
        details={
            "rows": len(result),
            "occurredFrom": _iso(span.occurred_from),
            "occurredTo": _iso(span.occurred_to),
        },
    )
    return result


# A spreadsheet runs a cell as a formula when its text starts with one of these, also after
# spaces and in the full-width forms (U+FF1D and the like, folded by NFKC). Dutch and Danish
# Excel split a CSV line at ";" (their list separator), and any program may at a line break:
# each fragment between them is a cell of its own there, so every fragment is guarded.
FORMULA_STARTS = frozenset("=+-@|")
_FRAGMENTS = re.compile(r"([;\r\n])")


def _starts_formula(fragment: str) -> bool:
    if fragment[:1] in ("\t", "\r"):
        return True
    folded = unicodedata.normalize("NFKC", fragment)
    visible = "".join(c for c in folded if unicodedata.category(c) != "Cf").strip()
    return visible[:1] in FORMULA_STARTS


def neutralise(text: str) -> str:
    """The text with a "'" before every fragment a spreadsheet would run as a formula."""
    parts = _FRAGMENTS.split(text)
    for index in range(0, len(parts), 2):  # the odd ones are the separators themselves
        if _starts_formula(parts[index]):
            parts[index] = "'" + parts[index]
    guarded = "".join(parts)
    return "'" + guarded if _starts_formula(guarded) else guarded


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    # A spreadsheet must never run a cell as a formula (CSV injection).
    return neutralise(str(value))


def to_csv(items: Iterable[dict[str, Any]]) -> str:
    """CSV with a header row; lists joined with ';', booleans as true/false, UTC times with Z."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in items:
        writer.writerow([_cell(item.get(c)) for c in COLUMNS])
    return buffer.getvalue()
