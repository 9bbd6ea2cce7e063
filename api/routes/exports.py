"""Exports for the municipal incident registers: GIR (NL) and SafetyNet (DK), as JSON or CSV."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Response
from pydantic import AwareDatetime

from api.access import access_text, documented_access
from api.deps import Permission, SessionDep, TransactionRoute
from app.auth.actor import Actor, Scope
from app.db import utcnow
from app.export import service as exports
from app.export import spreadsheet
from app.export.schemas import RegisterExport
from app.organisation.models import Role

router = APIRouter(tags=["exports"], route_class=TransactionRoute)

ROLES = (Role.privacy_officer, Role.legal, Role.case_handler, Role.admin)
Exporter = Annotated[Actor, Depends(Permission(*ROLES, scope=Scope.exports_read))]
ACCESS = documented_access(*ROLES, scope=Scope.exports_read)
TEXT = access_text(*ROLES, scope=Scope.exports_read)
RANGE = """ Incidents that occurred in [occurredFrom, occurredTo), oldest first; an empty or inverted
range is 400. The export is audited."""
FORMATS = (
    """

JSON. For a spreadsheet use the `.csv` operation of this register. The machine CSV of earlier
versions is still answered here with `format=csv` or `Accept: text/csv` (`format` wins;
deprecated): a header row with the JSON keys, `,` between cells, lists joined with `;`, booleans as
`true`/`false`, times in UTC as in the JSON."""
    + RANGE
)
SPREADSHEET = (
    """

CSV that Dutch and Danish Excel open as they are: UTF-8 with a byte order mark, `;` between cells,
CRLF line ends, RFC 4180 quoting; the header row holds the JSON keys, with a `<key>Label` column
after each coded column (category, behaviours, classification, platform, locationKind, severity,
status) in the organisation's language (`Content-Language`); times in the organisation's time zone
to the second (`2026-03-03 11:00:00`), the zone named in the last column `timeZone`; lists joined
with `;` (labels with `; `); booleans `true`/`false`; cells a spreadsheet would run as a formula
start with `'`. The README maps every column to the register."""
    + RANGE
)
DISPOSITION: dict[str, Any] = {
    "description": "attachment; filename=<register>-export.csv",
    "schema": {"type": "string"},
}

LEGACY_CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "text/csv": {
                "schema": {
                    "type": "string",
                    "description": "Deprecated machine CSV (see the description); the `.csv` "
                    "operation gives the spreadsheet CSV.",
                }
            }
        },
        "headers": {
            "Content-Disposition": {
                **DISPOSITION,
                "description": "attachment; filename=<register>-export.csv (CSV only)",
            }
        },
    }
}
SPREADSHEET_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The export as CSV for a spreadsheet.",
        "content": {
            spreadsheet.MEDIA_TYPE.split(";")[0]: {
                "schema": {"type": "string", "description": "UTF-8 with BOM, `;`, CRLF."}
            }
        },
        "headers": {
            "Content-Disposition": DISPOSITION,
            "Content-Language": {
                "description": "The language of the label columns: the organisation's (nl, da or en).",
                "schema": {"type": "string", "enum": ["nl", "da", "en"]},
            },
        },
    }
}

FromQuery = Annotated[
    AwareDatetime | None, Query(alias="occurredFrom", description="Occurred at or after (RFC 3339).")
]
ToQuery = Annotated[
    AwareDatetime | None, Query(alias="occurredTo", description="Occurred before (RFC 3339).")
]
FormatQuery = Annotated[
    Literal["json", "csv"] | None,
    Query(
        alias="format",
        deprecated=True,
        description="csv: the machine CSV of earlier versions; use the `.csv` operation instead.",
    ),
]
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
    description="Incidents mapped to the GIR categories by the organisation's legal pack "
    "(registers.gir: 'persoonlijke bedreiging' for the behaviours it lists, '(non-)verbale agressie' "
    "otherwise; the incident's girCategory wins when set)." + FORMATS + TEXT,
    responses=LEGACY_CSV_RESPONSE,
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
    description="Incidents mapped to SafetyNet by the organisation's legal pack (registers.safetynet): "
    "'mindre vold, trusler og anden krænkende adfærd', or 'arbejdsskade' (work injury) when the "
    "incident is serious (one of the rule's severities) or the employee reacts strongly "
    "(strongReaction), or a work-injury report action exists; the incident's safetynetCategory "
    "wins when set." + FORMATS + TEXT,
    responses=LEGACY_CSV_RESPONSE,
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


def _spreadsheet(
    register: exports.Register, *, actor: Actor, session: Any, occurred_from: Any, occurred_to: Any
) -> Response:
    span = exports.check_range(occurred_from, occurred_to)
    audience = exports.audience(session, actor=actor)
    items = exports.rows(session, register=register, actor=actor, span=span)
    return Response(
        spreadsheet.excel_csv(items, audience),
        media_type=spreadsheet.MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{register.value.lower()}-export.csv"',
            "Content-Language": audience.language,
        },
    )


@router.get(
    "/exports/gir.csv",
    operation_id="exportGirCsv",
    summary="Export incidents for GIR as CSV for a spreadsheet",
    description="The GIR export (see exportGir for the categories) as CSV." + SPREADSHEET + TEXT,
    response_class=Response,
    responses=SPREADSHEET_RESPONSE,
    openapi_extra=ACCESS,
)
def export_gir_csv(
    actor: Exporter, session: SessionDep, occurred_from: FromQuery = None, occurred_to: ToQuery = None
) -> Response:
    """Incidents for GIR, as a spreadsheet opens them in the Netherlands and Denmark."""
    return _spreadsheet(
        exports.Register.gir,
        actor=actor,
        session=session,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
    )


@router.get(
    "/exports/safetynet.csv",
    operation_id="exportSafetynetCsv",
    summary="Export incidents for SafetyNet as CSV for a spreadsheet",
    description="The SafetyNet export (see exportSafetynet for the categories) as CSV." + SPREADSHEET + TEXT,
    response_class=Response,
    responses=SPREADSHEET_RESPONSE,
    openapi_extra=ACCESS,
)
def export_safetynet_csv(
    actor: Exporter, session: SessionDep, occurred_from: FromQuery = None, occurred_to: ToQuery = None
) -> Response:
    """Incidents for SafetyNet, as a spreadsheet opens them in the Netherlands and Denmark."""
    return _spreadsheet(
        exports.Register.safetynet,
        actor=actor,
        session=session,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
    )
