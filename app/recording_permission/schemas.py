"""Request and response bodies of /recording-permissions and the house rules on recordings."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import ConfigDict, Field, field_validator

from app.incident.models import Behaviour, Platform, Severity
from app.incident.schemas import ActorRef
from app.organisation.models import Locale
from app.recording_permission.models import (
    Consent,
    Decision,
    RecordingKind,
    RecordingPermission,
    RefusalGround,
    ViolationKind,
    ViolationStep,
)
from app.schemas import ApiModel, HttpUrlStr, PastUtcDatetime, UtcDatetime, cannot_be_cleared

ShortText = Annotated[str, Field(min_length=1, max_length=200)]
Explanation = Annotated[str, Field(min_length=3, max_length=2000)]


class Requester(ApiModel):
    """The citizen who asks to record the conversation."""

    name: ShortText
    contact: str | None = Field(
        default=None, max_length=254, description="E-mail address or phone number, if given."
    )


class ConcernedEmployee(ApiModel):
    """An employee in the conversation; for photo or video their consent is recorded here."""

    name: ShortText
    user_id: uuid.UUID | None = Field(
        default=None, description="The employee's user in this organisation, so they can see it."
    )
    consent: Consent = Field(
        default=Consent.not_asked,
        description="The employee's answer on images of them; refused means refused on portrait right.",
    )
    consent_at: PastUtcDatetime | None = Field(
        default=None, description="When the employee answered; required with consent given or refused."
    )


def _unique_kinds(values: list[RecordingKind] | None) -> list[RecordingKind] | None:
    return list(dict.fromkeys(values)) if values is not None else None


class RecordingPermissionCreate(ApiModel):
    """A request, with its decision if it is already taken (a decision is needed for a receipt)."""

    requester: Requester
    conversation_at: UtcDatetime = Field(
        description="When the conversation to be recorded takes place; for a request made during a "
        "conversation, when the recording would start. May lie ahead for a request made in advance."
    )
    place: ShortText = Field(description="Where the conversation takes place (office, desk, address).")
    context: str | None = Field(default=None, max_length=2000, description="What the conversation is about.")
    public_space: bool = Field(
        default=False, description="Whether the recording is made in public space (no consent needed)."
    )
    kinds: list[RecordingKind] = Field(min_length=1, max_length=3)
    employees: list[ConcernedEmployee] = Field(min_length=1, max_length=20)
    decision: Decision = Decision.pending
    reason: Explanation | None = Field(
        default=None, description="Why it was refused or an alternative offered; required then."
    )
    refusal_ground: RefusalGround | None = Field(
        default=None, description="Required when refused or an alternative is offered."
    )
    alternative: Explanation | None = Field(
        default=None,
        description="What is offered instead; required when an alternative is offered and when audio "
        "is refused.",
    )
    conditions_accepted: bool = Field(
        default=False, description="The requester accepted the conditions; required to grant."
    )

    _dedupe = field_validator("kinds", mode="after")(_unique_kinds)


class RecordingPermissionUpdate(ApiModel):
    """A partial update (JSON merge patch): only the keys present change; lists are replaced."""

    model_config = ConfigDict(
        json_schema_extra=cannot_be_cleared(
            "requester",
            "conversation_at",
            "place",
            "public_space",
            "kinds",
            "employees",
            "decision",
            "conditions_accepted",
        )
    )

    requester: Requester | None = None
    conversation_at: UtcDatetime | None = None
    place: ShortText | None = None
    context: str | None = Field(default=None, max_length=2000)
    public_space: bool | None = None
    kinds: list[RecordingKind] | None = Field(default=None, min_length=1, max_length=3)
    employees: list[ConcernedEmployee] | None = Field(default=None, min_length=1, max_length=20)
    decision: Decision | None = None
    reason: Explanation | None = None
    refusal_ground: RefusalGround | None = None
    alternative: Explanation | None = None
    conditions_accepted: bool | None = None

    _dedupe = field_validator("kinds", mode="after")(_unique_kinds)


class RecordingPermissionPublic(ApiModel):
    """A recording permission as the API shows it."""

    id: uuid.UUID
    requester: Requester
    conversation_at: datetime
    place: str
    context: str
    public_space: bool
    kinds: list[RecordingKind]
    employees: list[ConcernedEmployee]
    decision: Decision
    reason: str | None
    refusal_ground: RefusalGround | None
    alternative: str | None
    conditions_accepted: bool
    decided_by: ActorRef | None = Field(description="Set by the server when the decision is recorded.")
    decided_at: datetime | None = Field(description="Set by the server when the decision is recorded.")
    registered_by: ActorRef
    version: int
    created_at: datetime
    updated_at: datetime


class RecordingViolationCreate(ApiModel):
    """A breach of the conditions; it becomes an incident with behaviour unauthorised_recording."""

    kinds: list[ViolationKind] = Field(min_length=1, max_length=4)
    occurred_at: PastUtcDatetime = Field(description="When the breach happened (the recording or post).")
    detected_at: PastUtcDatetime | None = None
    description: str | None = Field(default=None, max_length=20000)
    urls: list[HttpUrlStr] = Field(default_factory=list, max_length=50)
    behaviours: list[Behaviour] = Field(
        default_factory=list,
        max_length=19,
        description="Further behaviours for the incident (e.g. insult, doxxing), besides "
        "unauthorised_recording.",
    )
    steps: list[ViolationStep] = Field(
        default_factory=list,
        max_length=5,
        description="What staff did when the citizen went on recording: asked, then summoned, to stop; "
        "asked, then summoned, to leave the building; in public space the employee left.",
    )
    platform: Platform = Field(default=Platform.other, description="Where it was published, if it was.")
    severity: Severity | None = Field(
        default=None,
        description="The incident's severity: set by case handlers, privacy officers, legal counsel "
        "and API clients only, as on the incident itself (403 for other registrars).",
    )

    @field_validator("kinds", "urls", "behaviours", "steps", mode="after")
    @classmethod
    def _dedupe(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(values))


class RecordingViolationPublic(ApiModel):
    """A recorded breach and the incident that handles it."""

    id: uuid.UUID
    recording_permission_id: uuid.UUID
    kinds: list[ViolationKind]
    occurred_at: datetime
    detected_at: datetime | None
    description: str
    urls: list[str]
    steps: list[ViolationStep]
    incident_id: uuid.UUID
    incident_reference: str
    reported_by: ActorRef
    created_at: datetime


class RecordingRulesUpdate(ApiModel):
    """The house rules text in one language: a title and a plain-text body.

    In the body, blank lines separate paragraphs, lines starting with `- ` are list items and
    lines starting with `## ` are headings; nothing else is interpreted (no HTML).
    """

    title: ShortText
    body: str = Field(min_length=1, max_length=20000)


class RecordingRulesPublic(ApiModel):
    """The published house rules on recordings of one organisation, in one language."""

    organisation_name: str
    language: Locale
    title: str
    body: str
    is_default: bool = Field(description="True while the organisation has not set its own text.")
    version: int
    updated_at: datetime | None
    page_url: str = Field(description="The public page with these rules (no login).")


def employees_of(permission: RecordingPermission) -> list[ConcernedEmployee]:
    """The employees concerned, as stored (camelCase JSON) and shown."""
    return [ConcernedEmployee.model_validate(e) for e in permission.employees]


def actor_ref(user_id: uuid.UUID | None, client_id: uuid.UUID | None) -> ActorRef:
    """Who did something, from the pair of columns that record it."""
    if user_id:
        return ActorRef(kind="user", id=user_id)
    if client_id:
        return ActorRef(kind="apiClient", id=client_id)
    return ActorRef(kind="system")


def to_public(permission: RecordingPermission) -> RecordingPermissionPublic:
    """The API view of a permission row."""
    decided = permission.decided_at is not None
    return RecordingPermissionPublic(
        id=permission.id,
        requester=Requester(name=permission.requester_name, contact=permission.requester_contact),
        conversation_at=permission.conversation_at,
        place=permission.place,
        context=permission.context,
        public_space=permission.public_space,
        kinds=permission.kinds,
        employees=employees_of(permission),
        decision=Decision(permission.decision),
        reason=permission.reason,
        refusal_ground=RefusalGround(permission.refusal_ground) if permission.refusal_ground else None,
        alternative=permission.alternative,
        conditions_accepted=permission.conditions_accepted,
        decided_by=actor_ref(permission.decided_by_user_id, permission.decided_by_client_id)
        if decided
        else None,
        decided_at=permission.decided_at,
        registered_by=actor_ref(permission.registered_by_user_id, permission.registered_by_client_id),
        version=permission.version,
        created_at=permission.created_at,
        updated_at=permission.updated_at,
    )
