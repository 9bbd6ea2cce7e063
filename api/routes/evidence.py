"""Evidence: streamed uploads, reading, custody log, verification, legal hold, removal, dossier."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response, status
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from api.deps import CurrentActor, CurrentIncident, SessionDep, SettingsDep, TransactionRoute, next_link
from api.downloads import content_disposition
from api.problems import problem_response
from api.routes.actions import ACTION_READ
from api.routes.perpetrators import PERPETRATOR_READ
from api.routes.takedown_requests import TAKEDOWN_READ
from api.routes.timeline import TIMELINE_READ
from api.routes.users import USER_READ
from api.sync import NOT_MODIFIED, IfNoneMatch, Sort, UpdatedSince, check_not_modified, sync_of
from app.audit import anchors
from app.auth.actor import Scope
from app.db import beside, new_id
from app.errors import Invalid, NotFound, Unavailable
from app.evidence import dossier, upload
from app.evidence import jobs as _evidence_jobs  # noqa: F401 - registers the verification job
from app.evidence import service as evidence
from app.evidence.models import Evidence
from app.evidence.naming import download_name
from app.evidence.schemas import (
    CustodyEventPublic,
    EvidencePublic,
    EvidenceUpdate,
    EvidenceUploadForm,
    LegalHoldChange,
    RemovalCreate,
    VerificationPublic,
    custody_public,
    evidence_public,
)
from app.evidence.sniffing import served_type
from app.schemas import Page
from app.storage import ObjectMissing, ObjectStore
from app.timestamp import service as timestamps
from app.timestamp.client import REPLY_TYPE

router = APIRouter(tags=["evidence"], route_class=TransactionRoute)

ReasonQuery = Annotated[
    str | None, Query(max_length=2000, description="Why the content is accessed (custody log).")
]
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


async def get_store(request: Request) -> ObjectStore:
    """The app's object store."""
    store: ObjectStore = request.app.state.store
    return store


StoreDep = Annotated[ObjectStore, Depends(get_store)]


def get_evidence(
    session: SessionDep,
    actor: CurrentActor,
    evidence_id: Annotated[uuid.UUID, Path(alias="evidenceId")],
) -> Evidence:
    """The evidence item in the path, if the caller may see its incident; 404 otherwise."""
    return evidence.get(session, evidence_id=evidence_id, actor=actor)


CurrentEvidence = Annotated[Evidence, Depends(get_evidence)]


def _problem(description: str) -> dict[str, Any]:
    """A documented problem response (the contract completes only the common codes)."""
    return {
        "description": description,
        "headers": {"API-Version": {"$ref": "#/components/headers/API-Version"}},
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


GONE: dict[int | str, dict[str, Any]] = {
    410: _problem("The content was removed at the end of its retention period.")
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: _problem("Not allowed in the current state (open incident, legal hold, store lock).")
}


def _upload_body() -> dict[str, Any]:
    # EvidenceKind is a component already (EvidencePublic uses it).
    schema = EvidenceUploadForm.model_json_schema(by_alias=True, ref_template="#/components/schemas/{model}")
    schema.pop("title", None)
    schema.pop("$defs", None)
    for prop in schema["properties"].values():
        prop.pop("title", None)
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": schema,
                    "encoding": {"file": {"contentType": "application/octet-stream"}},
                }
            },
        }
    }


@router.post(
    "/incidents/{incidentId}/evidence",
    status_code=status.HTTP_201_CREATED,
    operation_id="uploadEvidence",
    summary="Upload evidence",
    openapi_extra=_upload_body(),
    responses={
        200: {
            "description": "The incident already holds this file: the existing item.",
            "model": EvidencePublic,
        }
    },
)
async def upload_evidence(
    request: Request,
    incident: CurrentIncident,
    actor: CurrentActor,
    session: SessionDep,
    settings: SettingsDep,
    store: StoreDep,
    response: Response,
) -> EvidencePublic:
    """Stream a file into the vault, hashed on the way; the same file twice gives the first item."""
    evidence.may_upload(actor)
    # No transaction (and no SQLite write lock) is held while the body streams in.
    await run_in_threadpool(session.commit)
    evidence_id = new_id()
    key = evidence.storage_key(
        organisation_id=incident.organisation_id, incident_id=incident.id, evidence_id=evidence_id
    )
    try:
        received = await upload.receive(
            request.stream(),
            content_type=request.headers.get("content-type", ""),
            store=store,
            key=key,
            max_bytes=settings.max_evidence_bytes,
            check_fields=evidence.parse_fields,
        )
    except ClientDisconnect as exc:
        raise Invalid("The client disconnected before the upload was complete; nothing was kept.") from exc
    stored = evidence.StoredFile(
        evidence_id=evidence_id,
        key=key,
        size=received.size,
        sha256=received.sha256,
        content_type=received.content_type,
        claimed_content_type=received.claimed_content_type,
        filename=received.filename,
    )

    def record() -> tuple[Evidence, bool, EvidencePublic]:
        data = evidence.parse_fields(received.fields)
        item, created = evidence.record_upload(
            session, incident=incident, actor=actor, stored=stored, data=data
        )
        public = evidence_public(item)  # read in the transaction, not after it
        session.commit()
        return item, created, public

    try:
        item, created, public = await run_in_threadpool(record)
    except BaseException:
        await run_in_threadpool(store.discard, key)
        raise
    if not created:
        await run_in_threadpool(store.discard, key)
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/api/v1/evidence/{item.id}"
    return public


@router.get("/incidents/{incidentId}/evidence", operation_id="listIncidentEvidence", summary="List evidence")
def list_incident_evidence(
    request: Request,
    incident: CurrentIncident,
    actor: CurrentActor,
    session: SessionDep,
    updated_since: UpdatedSince = None,
    sort: Sort = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
) -> Page[EvidencePublic]:
    """The incident's evidence in upload order, removed items as tombstones (with `removedAt`).

    A change feed with `sort=updatedAt` and `updatedSince`: see GET /evidence (listAllEvidence).
    """
    items, next_cursor = evidence.list_page(
        session,
        incident=incident,
        actor=actor,
        cursor=cursor,
        limit=limit,
        sync=sync_of(updated_since, sort),
    )
    next_url = next_link(request, next_cursor)
    stamps = timestamps.tokens_for(session, evidence_ids=[i.id for i in items])
    return Page[EvidencePublic](items=[evidence_public(i, timestamps=stamps) for i in items], next=next_url)


@router.get(
    "/evidence/{evidenceId}",
    operation_id="getEvidence",
    summary="Get an evidence item",
    responses=NOT_MODIFIED,
)
def get_evidence_item(
    item: CurrentEvidence, response: Response, if_none_match: IfNoneMatch = None
) -> EvidencePublic:
    """One evidence item's facts (not its content); its ETag is needed to change them.

    With If-None-Match holding the current ETag: 304 without a body.
    """
    tag = evidence.etag(item)
    check_not_modified(if_none_match, tag)
    response.headers["ETag"] = tag
    return evidence_public(item)


@router.patch(
    "/evidence/{evidenceId}",
    operation_id="updateEvidence",
    summary="Change an evidence item's details",
    responses=GONE,
)
def update_evidence(
    body: EvidenceUpdate,
    item: CurrentEvidence,
    actor: CurrentActor,
    session: SessionDep,
    response: Response,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> EvidencePublic:
    """A merge patch of the source URL, capture time, account, description or kind (not the content);
    case handlers, privacy officers and legal counsel; a custody event with before and after."""
    updated = evidence.update_metadata(session, item=item, data=body, actor=actor, if_match=if_match)
    response.headers["ETag"] = evidence.etag(updated)
    return evidence_public(updated)


def _byte_range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """(start, end) for one satisfiable range, None for the whole, "unsatisfiable" otherwise."""
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if match is None:
        return None  # several ranges or another unit: the whole content (RFC 9110 allows it)
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        length = int(last)
        return "unsatisfiable" if length == 0 else (max(0, size - length), size - 1)
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return "unsatisfiable"
    return start, end


@router.get(
    "/evidence/{evidenceId}/content",
    operation_id="getEvidenceContent",
    summary="Download evidence content",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The content, as an attachment, with its sniffed type "
            "(HTML, SVG and MHTML as application/octet-stream). The attachment is named after the "
            "upload, without control or bidi characters and with the extension of the sniffed type.",
            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
        },
        206: {
            "description": "The requested byte range (Range: bytes=start-end).",
            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
        },
        **GONE,
        409: _problem(
            "The content failed its last verification (another SHA-256 than stored): not served "
            "unless acceptTampered=true (problem type .../problems/evidence-integrity-failed)."
        ),
        416: _problem("The range is outside the content."),
    },
)
def get_evidence_content(
    request: Request,
    item: CurrentEvidence,
    actor: CurrentActor,
    session: SessionDep,
    store: StoreDep,
    range_: Annotated[str | None, Header(alias="Range", max_length=200)] = None,
    reason: ReasonQuery = None,
    accept_tampered: Annotated[
        bool,
        Query(
            alias="acceptTampered",
            description="Serve content that failed its last verification anyway (e.g. for forensic "
            "examination); recorded in the custody log. Without it such content is a 409.",
        ),
    ] = False,
) -> Response:
    """Stream the content (Range supported), every access a custody event; failed verification: 409."""
    key = evidence.content_key(item)
    tampered = evidence.check_servable(item, accept_tampered=accept_tampered)
    size = item.size
    if tampered:
        try:
            size = store.size(key)  # the bytes that are there now, not the ones that were stored
        except ObjectMissing as exc:
            raise Unavailable("The stored content is missing.") from exc
    byte_range = _byte_range(range_, size)
    if byte_range == "unsatisfiable":
        return problem_response(
            request,
            status=416,
            detail=f"The range is outside the content of {size} bytes.",
            slug="range-not-satisfiable",
            headers={"Content-Range": f"bytes */{size}"},
        )
    assert not isinstance(byte_range, str)
    start, end = byte_range if byte_range else (0, size - 1)
    try:
        chunks = store.read(key, start=start, end=end)
    except ObjectMissing as exc:
        raise Unavailable("The stored content is missing; verify the item to record and report it.") from exc
    evidence.record_access(
        session, item=item, actor=actor, byte_range=byte_range, reason=reason, tampered=tampered
    )
    session.commit()
    headers = {
        # The client's name, safe to show, with the extension of the sniffed type.
        "Content-Disposition": content_disposition(
            download_name(
                f"integrity-failed-{item.filename}" if tampered else item.filename, item.content_type
            )
        ),
        "Content-Length": str(end - start + 1),
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
    }
    if not tampered:  # the stored hash is no tag for other bytes
        headers["ETag"] = f'"{item.sha256}"'
    if byte_range:
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    return StreamingResponse(
        chunks,
        status_code=206 if byte_range else 200,
        media_type=served_type(item.content_type),
        headers=headers,
    )


@router.get(
    "/evidence/{evidenceId}/custody-events",
    operation_id="listEvidenceCustodyEvents",
    summary="List custody events",
)
def list_custody_events(
    request: Request,
    item: CurrentEvidence,
    actor: CurrentActor,
    session: SessionDep,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[CustodyEventPublic]:
    """The chain of custody, oldest first: who handled the item, when, from where and why."""
    events, next_cursor = evidence.custody_page(session, item=item, cursor=cursor, limit=limit)
    next_url = next_link(request, next_cursor)
    with_origin = evidence.sees_custody_origins(actor)
    return Page[CustodyEventPublic](
        items=[custody_public(e, with_origin=with_origin) for e in events], next=next_url
    )


@router.get(
    "/evidence/{evidenceId}/timestamp",
    operation_id="getEvidenceTimestamp",
    summary="Download the timestamp token",
    response_class=Response,
    responses={
        200: {
            "description": "The Time Stamping Authority's reply (RFC 3161 TimeStampResp, DER) for the "
            "item's SHA-256, as an attachment `<sha256>.tsr`. Check it with OpenSSL alone: "
            "`openssl ts -verify -digest <sha256> -in <file>.tsr -CAfile <TSA root> "
            "-untrusted <TSA certificate>`.",
            "content": {REPLY_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        },
        404: _problem(
            "The item does not exist, is not visible, or has no timestamp token (yet): see its "
            "`timestamp.state`."
        ),
    },
)
def get_evidence_timestamp(item: CurrentEvidence, actor: CurrentActor, session: SessionDep) -> Response:
    """The item's timestamp token (DER); every download is an audit event."""
    row = timestamps.token_of(session, item=item)
    if row is None or row.token is None:
        raise NotFound("Timestamp token")
    with beside(session) as writer:
        timestamps.record_download(writer, item=item, row=row, actor=actor)
    return Response(
        content=row.token,
        media_type=REPLY_TYPE,
        headers={
            "Content-Disposition": content_disposition(f"{item.sha256}.tsr"),
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.post(
    "/evidence/{evidenceId}/verifications",
    status_code=status.HTTP_201_CREATED,
    operation_id="verifyEvidence",
    summary="Verify evidence",
    responses=GONE,
)
def verify_evidence(
    item: CurrentEvidence,
    actor: CurrentActor,
    session: SessionDep,
    store: StoreDep,
    reason: ReasonQuery = None,
) -> VerificationPublic:
    """Re-read the stored object and compare its SHA-256: ok, mismatch or missing."""
    key = evidence.content_key(item)
    session.commit()  # no transaction is held while the object is read
    check = evidence.check_object(store, key=key, sha256=item.sha256)
    evidence.record_verification(session, item=item, check=check, actor=actor, reason=reason)
    return VerificationPublic(
        evidence_id=item.id,
        result=check.result,
        expected_sha256=item.sha256,
        actual_sha256=check.actual_sha256,
        expected_size=item.size,
        actual_size=check.actual_size,
        verified_at=check.at,
    )


@router.put(
    "/evidence/{evidenceId}/legal-hold",
    operation_id="setEvidenceLegalHold",
    summary="Set legal hold",
    responses={**CONFLICT, **GONE},
)
def set_legal_hold(
    body: LegalHoldChange, item: CurrentEvidence, actor: CurrentActor, session: SessionDep, store: StoreDep
) -> EvidencePublic:
    """Set (active true) or release (active false) the legal hold, with the reason."""
    updated = evidence.set_legal_hold(
        session, store=store, item=item, actor=actor, active=body.active, reason=body.reason
    )
    return evidence_public(updated)


@router.post(
    "/evidence/{evidenceId}/removals",
    operation_id="removeEvidence",
    summary="Remove evidence after retention",
    responses={**CONFLICT, **GONE},
)
def remove_evidence(
    body: RemovalCreate, item: CurrentEvidence, actor: CurrentActor, session: SessionDep, store: StoreDep
) -> EvidencePublic:
    """Admins: remove the content of a closed incident's item; the tombstone keeps the hash."""
    return evidence_public(evidence.remove(session, store=store, item=item, actor=actor, reason=body.reason))


@router.get(
    "/incidents/{incidentId}/dossier",
    operation_id="getIncidentDossier",
    summary="Export the dossier",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "A ZIP: the evidence files, manifest.json, SHA256SUMS and report.pdf.",
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def get_incident_dossier(
    incident: CurrentIncident,
    actor: CurrentActor,
    session: SessionDep,
    store: StoreDep,
    settings: SettingsDep,
    reason: ReasonQuery = None,
) -> Response:
    """The police-ready dossier, streamed; exporting is a custody event for every file in it."""
    evidence.require_scope(actor, Scope.evidence_read)
    # The dossier holds no more than the same caller would get from the API.
    rights = dossier.Rights(
        timeline=TIMELINE_READ.allows(actor),
        people=USER_READ.allows(actor),
        actions=ACTION_READ.allows(actor),
        takedowns=TAKEDOWN_READ.allows(actor),
        perpetrators=PERPETRATOR_READ.allows(actor),
    )
    package = dossier.prepare(session, incident=incident, actor=actor, reason=reason, rights=rights)
    # The audit chain's head with this export in it is anchored (and timestamped) at once.
    anchors.anchor_now(session, reason="dossier export")
    for entry in package.entries:
        try:
            store.size(entry.key)
        except ObjectMissing as exc:
            # Rolled back: no export is recorded for a dossier that cannot be complete.
            raise Unavailable(
                f"The stored content of {entry.path} is missing; verify the evidence to report it."
            ) from exc
    session.commit()
    dossier.seal(package, settings=settings)  # slow: after the commit, outside the write lock
    return StreamingResponse(
        dossier.stream(store, package),
        media_type="application/zip",
        headers={"Content-Disposition": content_disposition(package.zip_name)},
    )
