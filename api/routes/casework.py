"""An incident's own records: witnesses, journal entries, complaints and tracing requests.

Staff only (API clients get 403): witnesses' phone numbers and journal notes are personal data.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status

from api.deps import (
    CurrentIncident,
    Cursor,
    IfMatch,
    Limit,
    Permission,
    SessionDep,
    TransactionRoute,
    next_link,
)
from app.auth.actor import Actor
from app.casework import service as casework
from app.casework import steps
from app.casework.schemas import (
    ComplaintCreate,
    ComplaintPublic,
    ComplaintUpdate,
    JournalEntryCreate,
    JournalEntryPublic,
    TracingRequestCreate,
    TracingRequestPublic,
    TracingRequestUpdate,
    WitnessCreate,
    WitnessPublic,
)
from app.organisation.models import Role
from app.schemas import Page

router = APIRouter(tags=["casework"], route_class=TransactionRoute)

Staff = Annotated[Actor, Depends(Permission())]
# The complaint conversation and the tracing of the sender are the organisation's handling: case
# handlers, privacy officers, legal staff and managers (in Denmark the leader talks to the sender).
Handler = Annotated[
    Actor, Depends(Permission(Role.case_handler, Role.privacy_officer, Role.legal, Role.manager))
]
ComplaintId = Annotated[uuid.UUID, Path(alias="complaintId")]
TracingId = Annotated[uuid.UUID, Path(alias="tracingRequestId")]


@router.post(
    "/incidents/{incidentId}/witnesses",
    status_code=status.HTTP_201_CREATED,
    operation_id="createIncidentWitness",
    summary="Record a witness",
)
def create_witness(
    body: WitnessCreate, incident: CurrentIncident, actor: Staff, session: SessionDep
) -> WitnessPublic:
    """A witness's name and phone number (Silkeborg guideline); anyone who sees the incident."""
    witness = casework.add_witness(session, incident=incident, data=body, actor=actor)
    return casework.witness_public(witness, actor=actor)


@router.get(
    "/incidents/{incidentId}/witnesses", operation_id="listIncidentWitnesses", summary="List witnesses"
)
def list_witnesses(
    request: Request,
    incident: CurrentIncident,
    actor: Staff,
    session: SessionDep,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[WitnessPublic]:
    """The incident's witnesses, oldest first. Phone numbers only for case handlers, privacy
    officers, legal staff, managers and whoever recorded the witness (else null, phoneWithheld)."""
    items, next_cursor = casework.list_witnesses(
        session, incident=incident, actor=actor, cursor=cursor, limit=limit
    )
    return Page[WitnessPublic](
        items=[casework.witness_public(w, actor=actor) for w in items], next=next_link(request, next_cursor)
    )


@router.delete(
    "/incidents/{incidentId}/witnesses/{witnessId}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="deleteIncidentWitness",
    summary="Remove a witness",
)
def delete_witness(
    witness_id: Annotated[uuid.UUID, Path(alias="witnessId")],
    incident: CurrentIncident,
    actor: Staff,
    session: SessionDep,
) -> Response:
    """Remove a witness entered by mistake or who asked to be removed: whoever recorded them, a
    case handler or a manager."""
    casework.remove_witness(session, incident=incident, witness_id=witness_id, actor=actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/incidents/{incidentId}/journal-entries",
    status_code=status.HTTP_201_CREATED,
    operation_id="createJournalEntry",
    summary="Write a journal entry",
)
def create_journal_entry(
    body: JournalEntryCreate, incident: CurrentIncident, actor: Staff, session: SessionDep
) -> JournalEntryPublic:
    """What happened, where, who and when, written while it is fresh; never changed afterwards
    (a correction is a new entry with correctsId)."""
    return casework.entry_public(casework.add_entry(session, incident=incident, data=body, actor=actor))


@router.get(
    "/incidents/{incidentId}/journal-entries",
    operation_id="listJournalEntries",
    summary="List journal entries",
)
def list_journal_entries(
    request: Request,
    incident: CurrentIncident,
    actor: Staff,
    session: SessionDep,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[JournalEntryPublic]:
    """In the order written. Case handlers, privacy officers, legal staff and managers read all
    entries; anyone else reads the entries they wrote."""
    items, next_cursor = casework.list_entries(
        session, incident=incident, actor=actor, cursor=cursor, limit=limit
    )
    return Page[JournalEntryPublic](
        items=[casework.entry_public(e) for e in items], next=next_link(request, next_cursor)
    )


@router.post(
    "/incidents/{incidentId}/complaints",
    status_code=status.HTTP_201_CREATED,
    operation_id="createIncidentComplaint",
    summary="Open the complaint step",
)
def create_complaint(
    body: ComplaintCreate, incident: CurrentIncident, actor: Handler, session: SessionDep, response: Response
) -> ComplaintPublic:
    """A complaint against the municipality hidden in the aggression, handled as its own step."""
    complaint = steps.add_complaint(session, incident=incident, data=body, actor=actor)
    response.headers["ETag"] = steps.etag(complaint)
    return steps.complaint_public(complaint)


@router.get(
    "/incidents/{incidentId}/complaints", operation_id="listIncidentComplaints", summary="List complaints"
)
def list_complaints(
    request: Request,
    incident: CurrentIncident,
    _actor: Handler,
    session: SessionDep,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[ComplaintPublic]:
    """The incident's complaints, oldest first."""
    items, next_cursor = steps.list_complaints(session, incident=incident, cursor=cursor, limit=limit)
    return Page[ComplaintPublic](
        items=[steps.complaint_public(c) for c in items], next=next_link(request, next_cursor)
    )


@router.get(
    "/incidents/{incidentId}/complaints/{complaintId}",
    operation_id="getIncidentComplaint",
    summary="Get a complaint",
)
def get_complaint(
    complaint_id: ComplaintId,
    incident: CurrentIncident,
    _actor: Handler,
    session: SessionDep,
    response: Response,
) -> ComplaintPublic:
    """One complaint; its ETag is needed to change it."""
    complaint = steps.get_complaint(session, incident=incident, complaint_id=complaint_id)
    response.headers["ETag"] = steps.etag(complaint)
    return steps.complaint_public(complaint)


@router.patch(
    "/incidents/{incidentId}/complaints/{complaintId}",
    operation_id="updateIncidentComplaint",
    summary="Record the complaint conversation and outcome",
)
def update_complaint(
    complaint_id: ComplaintId,
    body: ComplaintUpdate,
    incident: CurrentIncident,
    actor: Handler,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> ComplaintPublic:
    """The conversation, whether the aggression was addressed, agreements, and the outcome (with a
    resolution); outcome null reopens. Needs If-Match."""
    complaint = steps.get_complaint(session, incident=incident, complaint_id=complaint_id)
    updated = steps.update_complaint(session, complaint=complaint, data=body, actor=actor, if_match=if_match)
    response.headers["ETag"] = steps.etag(updated)
    return steps.complaint_public(updated)


@router.post(
    "/incidents/{incidentId}/tracing-requests",
    status_code=status.HTTP_201_CREATED,
    operation_id="createTracingRequest",
    summary="Ask for an unknown sender to be traced",
)
def create_tracing_request(
    body: TracingRequestCreate,
    incident: CurrentIncident,
    actor: Handler,
    session: SessionDep,
    response: Response,
) -> TracingRequestPublic:
    """The police (only after the police report is recorded as done: 409 police_report_first) or a
    specialist; only while the sender is unknown (409 sender_known). The provider is asked to
    disclose the sender with a takedown request of recipientKind provider."""
    request = steps.add_tracing(session, incident=incident, data=body, actor=actor)
    response.headers["ETag"] = steps.etag(request)
    return steps.tracing_public(request)


@router.get(
    "/incidents/{incidentId}/tracing-requests",
    operation_id="listTracingRequests",
    summary="List tracing requests",
)
def list_tracing_requests(
    request: Request,
    incident: CurrentIncident,
    _actor: Handler,
    session: SessionDep,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[TracingRequestPublic]:
    """The incident's tracing requests, oldest first."""
    items, next_cursor = steps.list_tracing(session, incident=incident, cursor=cursor, limit=limit)
    return Page[TracingRequestPublic](
        items=[steps.tracing_public(r) for r in items], next=next_link(request, next_cursor)
    )


@router.get(
    "/incidents/{incidentId}/tracing-requests/{tracingRequestId}",
    operation_id="getTracingRequest",
    summary="Get a tracing request",
)
def get_tracing_request(
    request_id: TracingId, incident: CurrentIncident, _actor: Handler, session: SessionDep, response: Response
) -> TracingRequestPublic:
    """One tracing request; its ETag is needed to change it."""
    found = steps.get_tracing(session, incident=incident, request_id=request_id)
    response.headers["ETag"] = steps.etag(found)
    return steps.tracing_public(found)


@router.patch(
    "/incidents/{incidentId}/tracing-requests/{tracingRequestId}",
    operation_id="updateTracingRequest",
    summary="Record a tracing request's outcome",
)
def update_tracing_request(
    request_id: TracingId,
    body: TracingRequestUpdate,
    incident: CurrentIncident,
    actor: Handler,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
) -> TracingRequestPublic:
    """pending, identified (with identifiedAs) or not_identified; needs If-Match."""
    found = steps.get_tracing(session, incident=incident, request_id=request_id)
    updated = steps.update_tracing(session, request=found, data=body, actor=actor, if_match=if_match)
    response.headers["ETag"] = steps.etag(updated)
    return steps.tracing_public(updated)
