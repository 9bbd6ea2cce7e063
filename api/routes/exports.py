"""Exports for the municipal incident registers: GIR (NL) and SafetyNet (DK), as JSON or CSV."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Response
from pydantic import AwareDatetime

from api.access import access_text, documented_access
from api.deps import Permission, SessionDep
from app.auth.actor import Actor, Scope
from app.db import utcnow
from app.export import service as exports
from app.export.schemas import RegisterExport
from app.organisation.models import Role

router = APIRouter(tags=["exports"])

ROLES = (Role.privacy_officer, Role.legal, Role.case_handler, Role.admin)
Exporter = Annotated[Actor, Depends(Permission(*ROLES, scope=Scope.exports_read))]
ACCESS = documented_access(*ROLES, scope=Scope.exports_read)
TEXT = access_text(*ROLES, scope=Scope.exports_read)
FORMATS = """

JSON by default; CSV with `format=csv` or `Accept: text/csv` (`format` wins). CSV has a header row
with the JSON keys, lists joined with `;`, booleans as `true`/`false`. Incidents that occurred in
[occurredFrom, occurredTo), oldest first; an empty or inverted range is 400. The export is audited."""

CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": {"schema": {"type": "string", "description": "The same rows as CSV."}}},
        "headers": {
            "Content-Disposition": {
                "description": "attachment; filename=<register>-export.csv (CSV only)",
                "schema": {"type": "string"},
            }
        },
    }
}

FromQuery = Annotated[
    AwareDatetime | None, Query(alias="occurredFrom", description="Occurred at or after (RFC 3339).")
]
ToQuery = Annotated[
    AwareDatetime | None, Query(alias="occurredTo", description="Occurred before (RFC 3339).")
]
FormatQuery = Annotated[Literal["json", "csv"] | None, Query(alias="format")]
AcceptHeader = Annotated[str | None, Header(alias="Accept", include_in_schema=False)]


def _export(
    register: exports.Register,
    *,
    actor: Actor,
    session: Any,
    occurred_from: Any,
    occurred_to: Any,
    format_: str | None,
    accept: str | None,
) -> RegisterExport | Response:
    span = exports.check_range(occurred_from, occurred_to)
    items = exports.rows(session, register=register, actor=actor, span=span)
    wants_csv = format_ == "csv" or (format_ is None and "text/csv" in (accept or "").lower())
    if wants_csv:
        name = register.value.lower()
        return Response(
            exports.to_csv(items),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}-export.csv"'},
        )
    return RegisterExport.model_validate(
        {
            "system": register.value,
            "occurred_from": span.occurred_from,
            "occurred_to": span.occurred_to,
            "generated_at": utcnow(),
            "items": items,
        }
    )


@router.get(
    "/exports/gir",
    operation_id="exportGir",
    summary="Export incidents for GIR",
    description="Incidents mapped to the GIR categories ('persoonlijke bedreiging' for threats, "
    "blackmail, coercion, stalking and doxxing; '(non-)verbale agressie' otherwise; the incident's "
    "girCategory wins when set)." + FORMATS + TEXT,
    responses=CSV_RESPONSE,
    openapi_extra=ACCESS,
)
def export_gir(
    actor: Exporter,
    session: SessionDep,
    occurred_from: FromQuery = None,
    occurred_to: ToQuery = None,
    format_: FormatQuery = None,
    accept: AcceptHeader = None,
) -> RegisterExport:
    """Incidents for the Dutch municipal incident register."""
    return _export(  # type: ignore[return-value]
        exports.Register.gir,
        actor=actor,
        session=session,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
        format_=format_,
        accept=accept,
    )


@router.get(
    "/exports/safetynet",
    operation_id="exportSafetynet",
    summary="Export incidents for SafetyNet",
    description="Incidents mapped to SafetyNet: 'mindre vold, trusler og anden krænkende adfærd', "
    "or 'arbejdsskade' (work injury) for serious cases (severity high or critical, a death or bomb "
    "threat, or a work-injury report action); the incident's safetynetCategory wins when set."
    + FORMATS
    + TEXT,
    responses=CSV_RESPONSE,
    openapi_extra=ACCESS,
)
def export_safetynet(
    actor: Exporter,
    session: SessionDep,
    occurred_from: FromQuery = None,
    occurred_to: ToQuery = None,
    format_: FormatQuery = None,
    accept: AcceptHeader = None,
) -> RegisterExport:
    """Incidents for the Danish work environment register."""
    return _export(  # type: ignore[return-value]
        exports.Register.safetynet,
        actor=actor,
        session=session,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
        format_=format_,
        accept=accept,
    )
