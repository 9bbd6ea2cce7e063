"""The protocol's rules on a request and its decision, checked on the whole (merged) request.

Audio may be recorded unless there are weighty reasons, and then an alternative is offered. Images of
individual employees only with their prior consent, except in public space; an employee may refuse on
portrait right. A permission is granted only when the requester accepted the conditions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.errors import FieldError
from app.recording_permission.models import (
    IMAGE_KINDS,
    Consent,
    Decision,
    RecordingKind,
    RefusalGround,
)
from app.recording_permission.schemas import ConcernedEmployee

# A request made in advance concerns a conversation that is planned, not one years away.
MAX_AHEAD = timedelta(days=366)
NOT_GRANTED = frozenset({Decision.refused, Decision.alternative_offered})


@dataclass(frozen=True)
class RequestState:
    """The request as it will be after the change: what the rules are checked on."""

    conversation_at: datetime
    public_space: bool
    kinds: list[RecordingKind]
    employees: list[ConcernedEmployee]
    decision: Decision
    reason: str | None
    refusal_ground: RefusalGround | None
    alternative: str | None
    conditions_accepted: bool


def _employee_errors(state: RequestState) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: set[object] = set()
    for index, employee in enumerate(state.employees):
        where = f"employees/{index}"
        if employee.user_id is not None:
            if employee.user_id in seen:
                errors.append(FieldError(f"{where}/userId", "this employee is listed twice", "duplicate"))
            seen.add(employee.user_id)
        if employee.consent == Consent.not_asked:
            if employee.consent_at is not None:
                errors.append(
                    FieldError(f"{where}/consentAt", "only with consent given or refused", "not-allowed")
                )
            continue
        if employee.consent_at is None:
            errors.append(
                FieldError(f"{where}/consentAt", "required: when the employee answered", "required")
            )
        elif employee.consent == Consent.given and employee.consent_at > state.conversation_at:
            # Consent to images must precede the recording; consent given afterwards does not
            # make a recording that was already made lawful.
            errors.append(
                FieldError(
                    f"{where}/consentAt",
                    "consent must be given before the recording (no later than conversationAt)",
                    "after-recording",
                )
            )
    return errors


def _not_granted_errors(state: RequestState) -> list[FieldError]:
    errors: list[FieldError] = []
    wants_images = bool(IMAGE_KINDS.intersection(state.kinds))
    if not state.reason:
        errors.append(
            FieldError("reason", "required when the request is refused or an alternative offered", "required")
        )
    if state.refusal_ground is None:
        errors.append(FieldError("refusalGround", "required: weighty_reason or portrait_right", "required"))
    if state.decision == Decision.alternative_offered and not state.alternative:
        errors.append(FieldError("alternative", "required: describe the alternative offered", "required"))
    if state.decision == Decision.refused and RecordingKind.audio in state.kinds and not state.alternative:
        errors.append(
            FieldError(
                "alternative",
                "audio may only be refused for weighty reasons, and an alternative is then offered",
                "audio-refusal-needs-alternative",
            )
        )
    if state.refusal_ground == RefusalGround.portrait_right:
        if not wants_images:
            errors.append(
                FieldError(
                    "refusalGround",
                    "portrait right concerns images: only for photo or video",
                    "portrait-right-needs-images",
                )
            )
        elif not any(e.consent == Consent.refused for e in state.employees):
            errors.append(
                FieldError(
                    "employees",
                    "a refusal on portrait right names the employee: give them consent refused",
                    "portrait-right-needs-refusing-employee",
                )
            )
    return errors


def _granted_errors(state: RequestState) -> list[FieldError]:
    errors: list[FieldError] = []
    if not state.conditions_accepted:
        errors.append(
            FieldError("conditionsAccepted", "the requester must accept the conditions first", "required")
        )
    if not IMAGE_KINDS.intersection(state.kinds):
        return errors
    for index, employee in enumerate(state.employees):
        if employee.consent == Consent.refused:
            errors.append(
                FieldError(
                    f"employees/{index}/consent",
                    "this employee refused images (portrait right): refuse or offer an alternative",
                    "consent-refused",
                )
            )
        elif employee.consent != Consent.given and not state.public_space:
            errors.append(
                FieldError(
                    f"employees/{index}/consent",
                    "photo or video outside public space needs the prior consent of every employee",
                    "consent-needed",
                )
            )
    return errors


def check(state: RequestState, *, now: datetime) -> list[FieldError]:
    """Every rule the request breaks, as field errors (empty when it is valid)."""
    errors: list[FieldError] = []
    if state.conversation_at > now + MAX_AHEAD:
        errors.append(FieldError("conversationAt", "must not be more than a year ahead", "too-far-ahead"))
    errors.extend(_employee_errors(state))
    if state.decision in NOT_GRANTED:
        errors.extend(_not_granted_errors(state))
    else:
        for name, value in (("refusalGround", state.refusal_ground), ("alternative", state.alternative)):
            if value is not None:
                errors.append(
                    FieldError(
                        name, "only when the request is refused or an alternative offered", "not-allowed"
                    )
                )
    if state.decision == Decision.granted:
        errors.extend(_granted_errors(state))
    return errors
