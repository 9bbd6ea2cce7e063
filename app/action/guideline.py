"""The legal pack's handling rules applied to actions: who filed a police report and who helped, who
talks to the offender, which aftercare steps and help contacts there are."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session

from app.action.models import ActionKind
from app.errors import FieldError
from app.incident.models import Incident
from app.legal.handling_rules import rules_of
from app.legal.schemas import FiledBy
from app.organisation.models import User


def filers(value: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored form of filedBy (after check() matched it to the incident's affected employees)."""
    return [
        {"userId": str(item["user_id"]) if item.get("user_id") else None, "name": item.get("name")}
        for item in value
    ]


def _match_filers(incident: Incident, given: list[dict[str, Any]]) -> list[FieldError]:
    """Each filer is an affected employee of the incident (by user id, else by name); their name is
    taken from the incident."""
    errors: list[FieldError] = []
    for index, item in enumerate(given):
        found = None
        for employee in incident.affected_employees:
            if item.get("user_id") is not None:
                if employee.get("userId") and str(employee["userId"]) == str(item["user_id"]):
                    found = employee
            elif item.get("name") and (employee.get("name") or "").casefold() == item["name"].casefold():
                found = employee
            if found:
                break
        if found is None:
            errors.append(
                FieldError(
                    f"filedBy/{index}",
                    "not an affected employee of this incident",
                    code="not_affected_employee",
                )
            )
        else:
            item["user_id"] = found.get("userId")
            item["name"] = found.get("name")
    return errors


def _active_user(session: Session, organisation_id: uuid.UUID, user_id: uuid.UUID) -> User | None:
    user = session.get(User, user_id)
    if user is None or user.organisation_id != organisation_id or not user.is_active:
        return None
    return user


def check(
    session: Session, *, incident: Incident, kind: ActionKind, values: dict[str, Any]
) -> list[FieldError]:
    """Field errors where the given values break the organisation's handling rules."""
    rules = rules_of(session, organisation_id=incident.organisation_id)
    errors: list[FieldError] = []
    given = values.get("filed_by")
    if given:
        errors += _match_filers(incident, given)
        if (
            len({(f.get("user_id"), f.get("name")) for f in given}) > 1
            and not rules.police_report_filing.collective
        ):
            errors.append(
                FieldError(
                    "filedBy", "one filer per report under this legal pack", code="no_collective_report"
                )
            )
    helper = values.get("helped_by")
    if helper is not None and _active_user(session, incident.organisation_id, helper) is None:
        errors.append(FieldError("helpedBy", "no such active user in this organisation", code="unknown_user"))
    step = values.get("aftercare_step")
    if step is not None and step not in {a.code for a in rules.aftercare}:
        errors.append(
            FieldError("aftercareStep", "not an aftercare step of the legal pack", code="not_in_pack")
        )
    consulted = values.get("consulted")
    if consulted is not None and consulted not in {c.code for c in rules.help_contacts}:
        errors.append(FieldError("consulted", "not a help contact of the legal pack", code="not_in_pack"))
    assignee = values.get("assignee_id")
    if kind == ActionKind.offender_contact and assignee is not None:
        user = _active_user(session, incident.organisation_id, assignee)
        affected = {str(e.get("userId")) for e in incident.affected_employees if e.get("userId")}
        rule = rules.offender_contact
        if user is not None and (
            not set(user.roles) & {r.value for r in rule.roles}
            or (rule.never_the_employee and str(user.id) in affected)
        ):
            roles = ", ".join(r.value for r in rule.roles)
            errors.append(
                FieldError(
                    "assigneeId",
                    f"under the legal pack only these roles talk to the offender: {roles}",
                    code="may_not_contact_offender",
                )
            )
    return errors


def missing_when_done(
    session: Session, *, incident: Incident, kind: ActionKind, values: dict[str, Any]
) -> list[FieldError]:
    """Where the injured employee files the police report (DK), a done report names who filed it."""
    if kind != ActionKind.police_report or values.get("filed_by"):
        return []
    rules = rules_of(session, organisation_id=incident.organisation_id)
    if rules.police_report_filing.filed_by != FiledBy.injured_employee:
        return []
    return [
        FieldError(
            "filedBy",
            "required to mark it done: the legal pack has the injured employee file the report",
            code="required",
        )
    ]
