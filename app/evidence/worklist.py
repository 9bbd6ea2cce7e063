"""Evidence across incidents: integrity alerts (a stored file that no longer matches or is gone)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import tuple_
from sqlmodel import Session, col, select

from app import pagination
from app.auth.actor import Actor, Scope
from app.evidence.models import Evidence, VerificationResult
from app.evidence.service import require_scope
from app.incident import service as incidents
from app.incident.models import Incident


@dataclass(frozen=True)
class EvidenceFilter:
    """The list filters."""

    verification: list[VerificationResult] | None = None


def list_page(
    session: Session,
    *,
    actor: Actor,
    filters: EvidenceFilter,
    cursor: str | None,
    limit: int,
    sync: pagination.Sync | None = None,
) -> tuple[list[Evidence], str | None]:
    """Evidence of the incidents the actor may see, newest upload first (a change feed with sync)."""
    require_scope(actor, Scope.evidence_read)
    stmt = (
        select(Evidence)
        .join(Incident, col(Incident.id) == col(Evidence.incident_id))
        .where(Evidence.organisation_id == actor.organisation_id, incidents.visible_clause(actor))
    )
    if filters.verification:
        stmt = stmt.where(col(Evidence.last_verification_result).in_([v.value for v in filters.verification]))
    stmt = pagination.changed_since(stmt, sync, col(Evidence.updated_at))
    if sync is not None and sync.by_update:
        return pagination.by_update_page(session, stmt, Evidence, cursor=cursor, limit=limit)
    if cursor:
        at, ident = pagination.decode_cursor(cursor)
        stmt = stmt.where(tuple_(col(Evidence.uploaded_at), col(Evidence.id)) < tuple_(at, ident))
    stmt = stmt.order_by(col(Evidence.uploaded_at).desc(), col(Evidence.id).desc()).limit(limit + 1)
    return pagination.page_of(session.exec(stmt).all(), limit, lambda e: (e.uploaded_at, e.id))
