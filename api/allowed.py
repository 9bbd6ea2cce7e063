"""What the caller may do with an incident: asked of the same checks the operations run."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import object_session
from sqlmodel import Session

from api.routes.actions import ACTION_WRITE
from api.routes.takedown_requests import TAKEDOWN_WRITE
from app.action import service as actions
from app.auth.actor import Actor, Scope
from app.errors import Forbidden
from app.evidence import service as evidence
from app.incident import service as incidents
from app.incident.models import Incident, Status
from app.incident.schemas import AllowedAction, IncidentPublic, to_public


def _passes(check: Callable[[], object]) -> bool:
    try:
        check()
    except Forbidden:
        return False
    return True


def _both(first: Callable[[], object], second: Callable[[], object]) -> None:
    first()
    second()


def allowed_actions(incident: Incident, actor: Actor) -> list[AllowedAction]:
    """The operations on this incident that the caller's role or scopes and its state allow."""
    closable = Status.closed in incidents.TRANSITIONS[Status(incident.status)]
    # The incident is read in the request's session; the pack's rule for managers is read there too.
    session = object_session(incident)
    assert isinstance(session, Session)
    checks: dict[AllowedAction, Callable[[], object]] = {
        AllowedAction.update: lambda: incidents._may_update(incident, actor, set()),
        # status is a field only the case handler may change, like the handler and classification.
        AllowedAction.update_handling: lambda: incidents._may_update(incident, actor, {"status"}),
        AllowedAction.add_evidence: lambda: evidence.may_upload(actor),
        AllowedAction.add_action: lambda: ACTION_WRITE.check(actor, session),
        AllowedAction.waive_action: lambda: _both(
            lambda: ACTION_WRITE.check(actor, session), lambda: actions.may_waive(actor)
        ),
        AllowedAction.add_takedown: lambda: TAKEDOWN_WRITE.check(actor, session),
        AllowedAction.export_dossier: lambda: evidence.require_scope(actor, Scope.evidence_read),
    }
    allowed = [name for name, check in checks.items() if _passes(check)]
    if AllowedAction.update_handling in allowed and closable:
        allowed.insert(allowed.index(AllowedAction.update_handling) + 1, AllowedAction.close)
    return allowed


def public(incident: Incident, actor: Actor) -> IncidentPublic:
    """The API view of the incident with what this caller may do with it."""
    view = to_public(incident)
    view.allowed_actions = allowed_actions(incident, actor)
    return view
