"""The timeline of an incident."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.deps import CurrentIncident, Permission, SessionDep, TransactionRoute
from app.action import timeline
from app.auth.actor import Actor, Scope
from app.organisation.models import Role

router = APIRouter(tags=["incidents"], route_class=TransactionRoute)

TIMELINE_READ = Permission(
    Role.case_handler, Role.privacy_officer, Role.legal, Role.manager, scope=Scope.incidents_read
)
TimelineReader = Annotated[Actor, Depends(TIMELINE_READ)]


@router.get(
    "/incidents/{incidentId}/timeline",
    operation_id="getIncidentTimeline",
    summary="Get an incident's timeline",
)
def get_incident_timeline(
    incident: CurrentIncident, actor: TimelineReader, session: SessionDep
) -> timeline.Timeline:
    """Incident changes, evidence, actions and takedown events, oldest first."""
    return timeline.build(session, incident=incident)
