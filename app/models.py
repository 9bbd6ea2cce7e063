"""Every table, imported in one place so that metadata (and Alembic) sees them all."""

from sqlmodel import SQLModel

from app.audit.models import AuditEvent
from app.auth.models import ApiClient, AuthSession, LoginThrottle
from app.incident.models import Incident, IncidentBehaviour, IncidentPerson, ReferenceCounter
from app.jobs.models import Job
from app.organisation.models import Organisation, User

metadata = SQLModel.metadata

__all__ = [
    "ApiClient",
    "AuditEvent",
    "AuthSession",
    "Incident",
    "IncidentBehaviour",
    "IncidentPerson",
    "Job",
    "LoginThrottle",
    "Organisation",
    "ReferenceCounter",
    "User",
    "metadata",
]
