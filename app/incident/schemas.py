"""Request and response bodies of /incidents."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, field_validator

from app.incident.models import (
    Behaviour,
    Classification,
    Confidentiality,
    Employment,
    Frequency,
    GirCategory,
    LocationKind,
    PerpetratorRelation,
    Platform,
    SafetynetCategory,
    Severity,
    Status,
    Target,
)
from app.legal.schemas import IncidentSignal
from app.schemas import ApiModel, HttpUrlStr, PastUtcDatetime, cannot_be_cleared

ShortText = Annotated[str, Field(min_length=1, max_length=200)]
Reason = Annotated[str, Field(min_length=3, max_length=2000)]


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


class AffectedEmployee(ApiModel):
    """An employee the incident concerns; with userId they can follow it themselves."""

    name: ShortText
    user_id: uuid.UUID | None = None
    department: str | None = Field(default=None, max_length=200)
    employment: Employment | None = Field(
        default=None,
        description="temporary or hired (e.g. agency or interim) staff; null: permanent staff or not stated.",
    )


class Perpetrator(ApiModel):
    """Who is behind the aggression, as far as known."""

    known: bool = False
    name: str | None = Field(default=None, max_length=200)
    account_handles: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=20
    )
    relation: PerpetratorRelation | None = None


class ExternalReference(ApiModel):
    """This incident's id in another system (GIR, SafetyNet, an HR or monitoring tool)."""

    system: Annotated[str, Field(min_length=1, max_length=40)]
    id: Annotated[str, Field(min_length=1, max_length=100)]


class ClassificationOverride(ApiModel):
    """The case handler's classification where it differs from the derived one."""

    categories: list[Classification] = Field(min_length=1)
    reason: Reason


class _IncidentFields(ApiModel):
    """Fields that both create and update accept."""

    description: str | None = Field(default=None, max_length=20000)
    detected_at: PastUtcDatetime | None = None
    location_kind: LocationKind | None = None
    urls: list[HttpUrlStr] | None = Field(default=None, max_length=50)
    frequency: Frequency | None = None
    targets: list[Target] | None = Field(default=None, max_length=2)
    affected_employees: list[AffectedEmployee] | None = Field(default=None, max_length=50)
    perpetrator: Perpetrator | None = None
    severity: Severity | None = None
    confidentiality: Confidentiality | None = None
    case_handler_id: uuid.UUID | None = None
    external_references: list[ExternalReference] | None = Field(default=None, max_length=20)
    gir_category: GirCategory | None = Field(
        default=None,
        description="The GIR category chosen by the case handler (null: derived on export).",
    )
    safetynet_category: SafetynetCategory | None = Field(
        default=None,
        description="The SafetyNet category chosen by the case handler (null: derived on export).",
    )
    police_report_required: bool | None = None
    protocol_not_applicable: bool | None = None
    protocol_not_applicable_reason: str | None = Field(default=None, max_length=2000)
    perpetrator_id: uuid.UUID | None = Field(
        default=None, description="Link to a perpetrator record of this organisation (null unlinks)."
    )
    political_office_holder: bool | None = Field(
        default=None,
        description="The target holds political office: where the organisation's legal pack makes "
        "that exception (NL), the protocol does not apply, so protocolNotApplicable is set with an "
        "explanation; the Danish pack makes none.",
    )
    strong_reaction: bool | None = Field(
        default=None,
        description="The employee reacts strongly to the incident (SafetyNet: reported as a work "
        "injury where the legal pack's rule says so).",
    )

    _dedupe = field_validator("urls", "targets", mode="after")(
        lambda values: _unique(values) if values is not None else None
    )


class IncidentCreate(_IncidentFields):
    """A new incident. The smallest valid body: title, occurredAt, platform, behaviours."""

    title: ShortText
    occurred_at: PastUtcDatetime
    platform: Platform
    behaviours: list[Behaviour] = Field(min_length=1, max_length=20)

    @field_validator("behaviours", mode="after")
    @classmethod
    def _dedupe_behaviours(cls, values: list[Behaviour]) -> list[Behaviour]:
        return list(dict.fromkeys(values))


class IncidentUpdate(_IncidentFields):
    """A partial update (JSON merge patch): only the keys present change."""

    model_config = ConfigDict(
        json_schema_extra=cannot_be_cleared(
            "description",
            "urls",
            "targets",
            "affected_employees",
            "severity",
            "confidentiality",
            "external_references",
            "police_report_required",
            "protocol_not_applicable",
            "strong_reaction",
            "title",
            "occurred_at",
            "platform",
            "behaviours",
            "status",
            "closure_reason",
            "political_office_holder",
        )
    )

    title: ShortText | None = None
    occurred_at: PastUtcDatetime | None = None
    platform: Platform | None = None
    behaviours: list[Behaviour] | None = Field(default=None, min_length=1, max_length=20)
    status: Status | None = None
    closure_reason: Reason | None = None
    classification_override: ClassificationOverride | None = None


class ActorRef(ApiModel):
    """Who did something: a staff user or an API client."""

    kind: Literal["user", "apiClient", "system"]
    id: uuid.UUID | None = None


class AllowedAction(StrEnum):
    """What the caller may do with an incident, by the same rules the operations enforce."""

    update = "update"
    update_handling = "updateHandling"
    close = "close"
    add_evidence = "addEvidence"
    add_action = "addAction"
    waive_action = "waiveAction"
    add_takedown = "addTakedown"
    export_dossier = "exportDossier"


class IncidentPublic(ApiModel):
    """An incident as the API shows it."""

    id: uuid.UUID
    reference: str = Field(examples=["DA-2026-0042"])
    title: str
    description: str
    occurred_at: datetime
    detected_at: datetime | None
    reported_at: datetime
    platform: Platform
    location_kind: LocationKind | None
    urls: list[str]
    behaviours: list[Behaviour]
    classification: list[Classification] = Field(
        description="The classification in force: the override if set, else the derived one."
    )
    derived_classification: list[Classification]
    classification_override: ClassificationOverride | None
    frequency: Frequency | None
    targets: list[Target]
    affected_employees: list[AffectedEmployee]
    perpetrator: Perpetrator | None
    severity: Severity
    status: Status
    closure_reason: str | None
    case_handler_id: uuid.UUID | None
    confidentiality: Confidentiality
    external_references: list[ExternalReference]
    gir_category: GirCategory | None
    safetynet_category: SafetynetCategory | None
    police_report_required: bool
    protocol_not_applicable: bool
    protocol_not_applicable_reason: str | None
    reported_by: ActorRef
    version: int
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    strong_reaction: bool = False
    perpetrator_id: uuid.UUID | None = None
    political_office_holder: bool = False
    signals: list[IncidentSignal] = Field(
        default_factory=list, description="E.g. a repeat perpetrator: systematic, possible stalking."
    )
    allowed_actions: list[AllowedAction] = Field(
        default_factory=list,
        description="What the caller may do with this incident now (its role or scopes and the "
        "incident's state): update (facts; a reporter only while reported), updateHandling (status, "
        "case handler, classification), close, addEvidence, addAction, addTakedown, exportDossier. "
        "A hint for user interfaces; the operations themselves still decide.",
    )


def to_public(incident: object) -> IncidentPublic:
    """The API view of an incident row."""
    from app.incident.models import Incident
    from app.legal.service import signals_of

    assert isinstance(incident, Incident)
    override = None
    if incident.classification_override:
        override = ClassificationOverride(
            categories=[Classification(c) for c in incident.classification_override],
            reason=incident.classification_override_reason or "",
        )
    if incident.reported_by_user_id:
        reporter = ActorRef(kind="user", id=incident.reported_by_user_id)
    elif incident.reported_by_client_id:
        reporter = ActorRef(kind="apiClient", id=incident.reported_by_client_id)
    else:
        reporter = ActorRef(kind="system")
    public = IncidentPublic.model_validate(
        {
            **{name: getattr(incident, name) for name in _DIRECT},
            "classification": incident.classification_override or incident.derived_classification,
            "classification_override": override,
            "reported_by": reporter,
            "signals": signals_of(incident),
        }
    )
    from app.casework.signals import prolonged_signals

    public.signals = [*public.signals, *prolonged_signals(incident)]
    return public


_DIRECT = (
    "id",
    "reference",
    "title",
    "description",
    "occurred_at",
    "detected_at",
    "reported_at",
    "platform",
    "location_kind",
    "urls",
    "behaviours",
    "derived_classification",
    "frequency",
    "targets",
    "affected_employees",
    "perpetrator",
    "severity",
    "status",
    "closure_reason",
    "case_handler_id",
    "confidentiality",
    "external_references",
    "gir_category",
    "safetynet_category",
    "police_report_required",
    "protocol_not_applicable",
    "protocol_not_applicable_reason",
    "strong_reaction",
    "perpetrator_id",
    "political_office_holder",
    "version",
    "created_at",
    "updated_at",
    "closed_at",
)
