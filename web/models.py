"""The API's JSON shapes as the UI reads them (unknown keys ignored, so the API may grow)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

T = TypeVar("T")


class View(BaseModel):
    """Base of every shape read from the API: camelCase on the wire, extra keys ignored."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class Page(View, Generic[T]):
    """One page of a list and the cursor of the next."""

    items: list[T]
    next: str | None = None


class User(View):
    id: str
    email: str
    name: str
    roles: list[str]
    locale: str | None = None
    is_active: bool = True
    must_change_password: bool = False
    manager_id: str | None = None
    version: int = 1
    created_at: datetime | None = None

    @property
    def etag(self) -> str:
        """The If-Match value for changing this user."""
        return f'"{self.version}"'


class SessionUser(View):
    id: str
    email: str
    name: str
    roles: list[str]
    organisation_id: str
    locale: str | None = None
    must_change_password: bool = False


class OrganisationSummary(View):
    name: str = ""
    slug: str = ""
    country: str = "NL"
    default_locale: str = "nl"
    time_zone: str = "Europe/Amsterdam"


class CurrentUser(User):
    organisation: OrganisationSummary = Field(default_factory=OrganisationSummary)


class Login(View):
    token: str
    expires_at: datetime
    user: SessionUser


class ActorRef(View):
    kind: str
    id: str | None = None


class ClassificationOverride(View):
    categories: list[str]
    reason: str


class Perpetrator(View):
    known: bool = False
    name: str | None = None
    account_handles: list[str] = Field(default_factory=list)
    relation: str | None = None


class AffectedEmployee(View):
    name: str
    user_id: str | None = None
    department: str | None = None
    employment: str | None = None


class PerpetratorRecord(View):
    """A perpetrator record of the organisation (/perpetrators)."""

    id: str
    name: str | None = None
    account_handles: list[str] = Field(default_factory=list)
    relation: str | None = None
    notes: str = ""
    incident_count: int = 0
    systematic: bool = False
    created_at: datetime | None = None


class Signal(View):
    kind: str
    code: str = "repeat_perpetrator"
    label: str
    articles: list[str] = Field(default_factory=list)


class Incident(View):
    id: str
    reference: str
    title: str
    description: str = ""
    occurred_at: datetime
    detected_at: datetime | None = None
    reported_at: datetime
    platform: str
    location_kind: str | None = None
    urls: list[str] = Field(default_factory=list)
    behaviours: list[str] = Field(default_factory=list)
    classification: list[str] = Field(default_factory=list)
    derived_classification: list[str] = Field(default_factory=list)
    classification_override: ClassificationOverride | None = None
    frequency: str | None = None
    perpetrator: Perpetrator | None = None
    perpetrator_id: str | None = None
    targets: list[str] = Field(default_factory=list)
    affected_employees: list[AffectedEmployee] = Field(default_factory=list)
    political_office_holder: bool = False
    severity: str = "medium"
    status: str = "reported"
    closure_reason: str | None = None
    case_handler_id: str | None = None
    confidentiality: str = "normal"
    gir_category: str | None = None
    safetynet_category: str | None = None
    police_report_required: bool = False
    protocol_not_applicable: bool = False
    protocol_not_applicable_reason: str | None = None
    strong_reaction: bool = False
    reported_by: ActorRef | None = None
    version: int = 1
    updated_at: datetime | None = None
    signals: list[Signal] = Field(default_factory=list)
    # What the API says this user may do with the incident (update, updateHandling, close, ...).
    allowed_actions: list[str] = Field(default_factory=list)


class AuditEvent(View):
    id: str
    seq: int
    at: datetime
    actor_kind: str
    actor_id: str | None = None
    actor_label: str | None = None
    action: str
    object_type: str | None = None
    object_id: str | None = None
    result: str
    origin: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    hash: str


class LocalText(View):
    nl: str = ""
    da: str = ""
    en: str = ""

    def pick(self, lang: str) -> str:
        """The text in a language, falling back to English."""
        return str(getattr(self, lang, "") or self.en)


class Article(View):
    code: str
    title: LocalText


class SourceRef(View):
    """Where a rule of a legal pack comes from: document and section."""

    document: str = ""
    section: str = ""


class BehaviourAssessment(View):
    behaviour: str
    punishable: str
    articles: list[Article] = Field(default_factory=list)
    condition: LocalText | None = None
    source: SourceRef | None = None


class PoliceReportReason(View):
    code: str
    level: str
    classification: str | None = None
    behaviour: str | None = None
    source: SourceRef = Field(default_factory=SourceRef)


class LegalAssessment(View):
    pack: str | None = None
    behaviours: list[BehaviourAssessment] = Field(default_factory=list)
    suggested_articles: list[Article] = Field(default_factory=list)
    punishable: str | None = None
    police_report_required: bool = False
    police_report_suggested: bool = False
    police_report_reasons: list[PoliceReportReason] = Field(default_factory=list)
    police_report_reason: str | None = None
    police_report_reason_code: str | None = None
    removal_gate: str = "hard"
    removal_gate_source: SourceRef | None = None
    protocol_not_applicable: bool = False
    protocol_not_applicable_reason: str | None = None


class EvidenceTimestamp(View):
    state: str = "none"
    gen_time: datetime | None = None
    tsa: str | None = None
    serial: str | None = None
    attempts: int = 0


class Evidence(View):
    id: str
    incident_id: str
    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str
    captured_at: datetime | None = None
    source_url: str | None = None
    account_handle: str | None = None
    description: str = ""
    uploaded_by: ActorRef | None = None
    uploaded_at: datetime
    legal_hold: bool = False
    legal_hold_reason: str | None = None
    legal_hold_changed_at: datetime | None = None
    last_verified_at: datetime | None = None
    last_verification_result: str | None = None
    removed_at: datetime | None = None
    removal_reason: str | None = None
    timestamp: EvidenceTimestamp = Field(default_factory=EvidenceTimestamp)


class CustodyActor(View):
    kind: str
    id: str | None = None
    label: str | None = None


class CustodyEvent(View):
    id: str
    kind: str
    at: datetime
    actor: CustodyActor
    origin: str | None = None
    reason: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class Verification(View):
    evidence_id: str
    result: str
    verified_at: datetime


class Takedown(View):
    id: str
    incident_id: str
    recipient_kind: str
    recipient_name: str
    recipient_email: str | None = None
    recipient_address: str | None = None
    urls: list[str] = Field(default_factory=list)
    legal_ground: str = ""
    illegality_explanation: str | None = None
    notifier_name: str | None = None
    notifier_email: str | None = None
    good_faith: bool = False
    evidence_ids: list[str] = Field(default_factory=list)
    status: str
    sent_at: datetime | None = None
    due_at: datetime | None = None
    responded_at: datetime | None = None
    response: str | None = None
    escalated_from_id: str | None = None
    escalated_to_id: str | None = None
    version: int = 1


class PoliceReportFiler(View):
    user_id: str | None = None
    name: str | None = None


class Action(View):
    id: str
    incident_id: str
    kind: str
    status: str
    description: str = ""
    assignee_id: str | None = None
    due_at: datetime | None = None
    done_at: datetime | None = None
    outcome: str | None = None
    police_reference: str | None = None
    reported_at: datetime | None = None
    channel: str | None = None
    suspended_service: str | None = None
    takedown_request_id: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    restriction_form: str | None = None
    restriction_details: str | None = None
    filed_by: list[PoliceReportFiler] = Field(default_factory=list)
    helped_by: str | None = None
    police_warning: bool | None = None
    aftercare_step: str | None = None
    consulted: str | None = None
    prevention_decision: str | None = None
    waiver_reason: str | None = None
    waived_by: str | None = None
    waived_at: datetime | None = None
    warnings: list[str] = Field(default_factory=list)
    warning_codes: list[str] = Field(default_factory=list)
    version: int = 1


class TimelineActor(View):
    kind: str
    id: str | None = None
    label: str | None = None


class TimelineEntry(View):
    at: datetime
    source: str
    event: str
    object_type: str
    object_id: str
    actor: TimelineActor | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class Timeline(View):
    items: list[TimelineEntry] = Field(default_factory=list)
    truncated: bool = False


class ApiClientView(View):
    id: str
    name: str
    scopes: list[str] = Field(default_factory=list)
    token_hint: str = ""
    secret_hint: str | None = None
    secret_created_at: datetime | None = None
    previous_secret_expires_at: datetime | None = None
    created_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
    # Only in the answer that issued it (creation, secret rotation).
    client_secret: str | None = None


class WebhookView(View):
    id: str
    url: str
    event_types: list[str] = Field(default_factory=list)
    description: str = ""
    status: str = "active"
    disabled_reason: str | None = None
    previous_secret_expires_at: datetime | None = None
    created_at: datetime | None = None


class WebhookAttempt(View):
    attempt: int
    attempted_at: datetime
    status_code: int | None = None
    duration_ms: int = 0
    error: str | None = None


class WebhookDelivery(View):
    id: str
    event_id: str
    event_type: str
    status: str
    attempts: list[WebhookAttempt] = Field(default_factory=list)
    next_attempt_at: datetime | None = None
    created_at: datetime
    completed_at: datetime | None = None


class BehaviourRule(View):
    punishable: str
    articles: list[Article] = Field(default_factory=list)
    condition: LocalText = Field(default_factory=LocalText)
    privacy: bool = False
    default_severity: str | None = None
    source: SourceRef | None = None


class PoliticalOfficeHolderRule(View):
    articles: list[Article] = Field(default_factory=list)
    explanation: LocalText = Field(default_factory=LocalText)
    source: SourceRef | None = None


class ReportTrigger(View):
    level: str
    source: SourceRef = Field(default_factory=SourceRef)
    behaviours: list[str] = Field(default_factory=list)


class RemovalRule(View):
    gate: str = "hard"
    source: SourceRef = Field(default_factory=SourceRef)


class PoliceReportRules(View):
    classifications: dict[str, ReportTrigger] = Field(default_factory=dict)
    under_circumstances: ReportTrigger | None = None
    behaviours: dict[str, ReportTrigger] = Field(default_factory=dict)
    organisation_threat: ReportTrigger | None = None
    removal: RemovalRule = Field(default_factory=RemovalRule)


class GirRule(View):
    personal_threat_behaviours: list[str] = Field(default_factory=list)
    source: SourceRef = Field(default_factory=SourceRef)


class SafetynetRule(View):
    work_injury_severities: list[str] = Field(default_factory=list)
    work_injury_on_strong_reaction: bool = False
    source: SourceRef = Field(default_factory=SourceRef)


class RegisterRules(View):
    gir: GirRule | None = None
    safetynet: SafetynetRule | None = None


class LegalPack(View):
    country: str
    name: LocalText = Field(default_factory=LocalText)
    source: str = ""
    behaviours: dict[str, BehaviourRule] = Field(default_factory=dict)
    political_office_holder: PoliticalOfficeHolderRule | None = None
    police_report: PoliceReportRules = Field(default_factory=PoliceReportRules)
    registers: RegisterRules = Field(default_factory=RegisterRules)
    version: int = 1
    updated_at: datetime | None = None


class LetterTemplate(View):
    language: str
    body: str
    version: int = 1
    updated_at: datetime | None = None


class Requester(View):
    name: str
    contact: str | None = None


class ConcernedEmployee(View):
    name: str
    consent: str = "not_asked"
    consent_at: datetime | None = None


class RecordingPermission(View):
    id: str
    requester: Requester
    conversation_at: datetime
    place: str
    context: str = ""
    public_space: bool = False
    kinds: list[str] = Field(default_factory=list)
    employees: list[ConcernedEmployee] = Field(default_factory=list)
    decision: str
    reason: str | None = None
    refusal_ground: str | None = None
    alternative: str | None = None
    conditions_accepted: bool = False
    decided_at: datetime | None = None
    created_at: datetime | None = None
    version: int = 1


class RecordingViolation(View):
    id: str
    kinds: list[str] = Field(default_factory=list)
    occurred_at: datetime
    detected_at: datetime | None = None
    description: str = ""
    urls: list[str] = Field(default_factory=list)
    steps: list[str] = Field(default_factory=list)
    incident_id: str
    incident_reference: str
    created_at: datetime | None = None


class RecordingRules(View):
    organisation_name: str
    language: str
    title: str
    body: str
    is_default: bool = False
    version: int = 0
    updated_at: datetime | None = None
    page_url: str = ""


class Count(View):
    key: str
    count: int


class MonthFigures(View):
    """Incidents that occurred in one month; by behaviour an incident counts once per behaviour, by
    main behaviour once."""

    month: str
    total: int = 0
    by_behaviour: list[Count] = Field(default_factory=list)
    by_main_behaviour: list[Count] = Field(default_factory=list)
    by_platform: list[Count] = Field(default_factory=list)


class Statistics(View):
    monthly: list[MonthFigures] = Field(default_factory=list)
    total: int
    by_month: list[Count] = Field(default_factory=list)
    by_behaviour: list[Count] = Field(default_factory=list)
    by_main_behaviour: list[Count] = Field(default_factory=list)
    by_platform: list[Count] = Field(default_factory=list)
    by_status: list[Count] = Field(default_factory=list)
    median_hours_to_first_action: float | None = None


class PoliceAssessment(View):
    """The police decision of an incident."""

    context: str
    reach: str
    frequency: str | None = None
    impact: str
    impact_notes: str | None = None
    decision: str
    reason: str | None = None
    assessed_by: str | None = None
    assessed_at: datetime
    version: int = 1


class CivilClaim(View):
    """The particulars of a civil-claim action."""

    action_id: str
    claimant: str
    claimant_name: str | None = None
    route: str
    damage: str
    amount: str
    currency: str
    version: int = 1


class Witness(View):
    """A witness of an incident (/incidents/{id}/witnesses)."""

    id: str
    name: str
    phone: str | None = None
    phone_withheld: bool = False
    statement: str = ""
    created_by: str
    created_at: datetime


class JournalEntry(View):
    """A dated journal note (/incidents/{id}/journal-entries)."""

    id: str
    happened_at: datetime
    what: str
    where: str = ""
    who: str = ""
    corrects_id: str | None = None
    author_id: str
    written_at: datetime


class Complaint(View):
    """The complaint step (/incidents/{id}/complaints)."""

    id: str
    subject: str
    conversation_at: datetime | None = None
    aggression_addressed: bool = False
    agreements: str = ""
    outcome: str | None = None
    resolution: str = ""
    decided_at: datetime | None = None
    version: int = 1


class TracingRequest(View):
    """A request to trace an unknown sender (/incidents/{id}/tracing-requests)."""

    id: str
    channel: str
    requested_at: datetime
    reference: str = ""
    note: str = ""
    outcome: str = "pending"
    identified_as: str | None = None
    version: int = 1
