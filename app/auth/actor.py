"""Who is calling: a staff user (through a session) or an API client, always in one organisation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum

from app.organisation.models import Role


class Scope(StrEnum):
    """What an API client may do. Staff users are governed by their roles instead."""

    incidents_read = "incidents:read"
    incidents_write = "incidents:write"
    audit_read = "audit:read"
    evidence_read = "evidence:read"
    evidence_write = "evidence:write"
    recording_permissions_read = "recording-permissions:read"
    recording_permissions_write = "recording-permissions:write"
    actions_read = "actions:read"
    actions_write = "actions:write"
    takedowns_read = "takedowns:read"
    takedowns_write = "takedowns:write"
    exports_read = "exports:read"
    statistics_read = "statistics:read"
    webhooks_read = "webhooks:read"
    webhooks_write = "webhooks:write"


ALL_SCOPES = frozenset(Scope)

# Roles that handle cases and may see every incident of their organisation.
HANDLER_ROLES = frozenset({Role.case_handler, Role.privacy_officer, Role.legal})


@dataclass(frozen=True)
class Actor:
    """The authenticated caller of one request."""

    kind: str  # "user" | "apiClient" | "system"
    organisation_id: uuid.UUID
    label: str
    user_id: uuid.UUID | None = None
    client_id: uuid.UUID | None = None
    roles: frozenset[Role] = field(default_factory=frozenset)
    scopes: frozenset[Scope] = field(default_factory=frozenset)
    origin: str | None = None
    session_id: uuid.UUID | None = None
    # A user whose password was reset may only change it (and read or leave their account).
    must_change_password: bool = False

    @property
    def actor_id(self) -> uuid.UUID | None:
        """The id of the user or client."""
        return self.user_id or self.client_id

    def has_role(self, *roles: Role) -> bool:
        """Whether the user holds any of the roles (API clients hold none)."""
        return bool(self.roles.intersection(roles))

    def has_scope(self, scope: Scope) -> bool:
        """Whether the API client holds the scope (users hold none)."""
        return scope in self.scopes

    @property
    def is_handler(self) -> bool:
        """Case handlers, privacy officers and legal staff: organisation-wide case access."""
        return self.kind == "user" and self.has_role(*HANDLER_ROLES)
