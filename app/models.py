"""Every table, imported in one place so that metadata (and Alembic) sees them all."""

from sqlmodel import SQLModel

from app.action.models import Action
from app.audit.models import AuditEvent
from app.auth.models import AccessToken, ApiClient, AuthSession, LoginThrottle
from app.capture.models import Capture
from app.casework.models import Complaint, JournalEntry, TracingRequest, Witness
from app.evidence.models import CustodyEvent, Evidence
from app.idempotency.models import IdempotencyKey
from app.incident.models import Incident, IncidentBehaviour, IncidentPerson, ReferenceCounter
from app.integration.models import IncidentExternalReference
from app.jobs.models import Job
from app.legal.models import LegalPack
from app.notification.models import MailOutbox, Notification, NotificationPreference
from app.organisation.models import Organisation, User
from app.perpetrator.models import Perpetrator
from app.preparedness.models import PreparednessPlan
from app.proceedings.models import CivilClaim, PoliceAssessment
from app.recording_permission.models import (
    RecordingPermission,
    RecordingPermissionPerson,
    RecordingRules,
    RecordingViolation,
)
from app.spread.models import SpreadItem, UrlRecheck, UrlRecheckResult
from app.takedown.models import LetterTemplate, TakedownEvidence, TakedownRequest
from app.timestamp.models import EvidenceTimestamp
from app.webhook.models import WebhookAttempt, WebhookDelivery, WebhookEvent, WebhookSubscription

metadata = SQLModel.metadata

__all__ = [
    "AccessToken",
    "Action",
    "ApiClient",
    "AuditEvent",
    "AuthSession",
    "Capture",
    "CivilClaim",
    "Complaint",
    "CustodyEvent",
    "Evidence",
    "EvidenceTimestamp",
    "IdempotencyKey",
    "Incident",
    "IncidentBehaviour",
    "IncidentExternalReference",
    "IncidentPerson",
    "Job",
    "JournalEntry",
    "LegalPack",
    "LetterTemplate",
    "LoginThrottle",
    "MailOutbox",
    "Notification",
    "NotificationPreference",
    "Organisation",
    "Perpetrator",
    "PoliceAssessment",
    "PreparednessPlan",
    "RecordingPermission",
    "RecordingPermissionPerson",
    "RecordingRules",
    "RecordingViolation",
    "ReferenceCounter",
    "SpreadItem",
    "TakedownEvidence",
    "TakedownRequest",
    "TracingRequest",
    "UrlRecheck",
    "UrlRecheckResult",
    "User",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEvent",
    "WebhookSubscription",
    "Witness",
    "metadata",
]
