"""The register exports as CSV that Dutch and Danish Excel open as they are.

Excel in those locales reads a CSV by the system's list separator (";") and, without a byte order
mark, as the Windows code page (mojibake for "æ", "ø", "ë"). So: UTF-8 with a BOM, ";" between
cells, CRLF after every line, RFC 4180 quoting (a cell with ";", '"' or a line break in double
quotes, '"' doubled), times in the organisation's time zone to the second (Excel reads
"2026-03-03 11:00:00" as a date and time; it has no time zones and no fractions in its formats),
and the organisation's words next to every code. The codes stay for programs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from app.export import labels
from app.export.service import COLUMNS, Audience, neutralise

BOM = "\ufeff"
DELIMITER = ";"
MEDIA_TYPE = "text/csv; charset=utf-8; header=present"
TIME_COLUMNS = frozenset({"occurredAt", "reportedAt", "closedAt"})
TIME_ZONE_COLUMN = "timeZone"


def excel_columns() -> tuple[str, ...]:
    """The header: every export column, a `<column>Label` after each coded one, the time zone last."""
    names: list[str] = []
    for column in COLUMNS:
        names.append(column)
        if column in labels.COLUMN_LABELS:
            names.append(f"{column}Label")
    return (*names, TIME_ZONE_COLUMN)


def local_time(value: str | None, zone: ZoneInfo) -> str:
    """An RFC 3339 UTC time as local wall-clock time without fractions: 2026-03-03 11:00:00."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(zone)
    return moment.replace(microsecond=0, tzinfo=None).isoformat(sep=" ")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def _label(column: str, value: Any, language: str) -> str:
    table = labels.COLUMN_LABELS[column]
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(labels.label(table, str(v), language) for v in value)
    return labels.label(table, str(value), language)


def row(item: dict[str, Any], audience: Audience) -> list[str]:
    """One export row as spreadsheet cells, each guarded against running as a formula."""
    zone = ZoneInfo(audience.time_zone)
    cells: list[str] = []
    for column in COLUMNS:
        value = item.get(column)
        cells.append(local_time(value, zone) if column in TIME_COLUMNS else _text(value))
        if column in labels.COLUMN_LABELS:
            cells.append(_label(column, value, audience.language))
    cells.append(audience.time_zone)
    # A spreadsheet must never run a cell as a formula (CSV injection), labels included.
    return [neutralise(cell) for cell in cells]


def excel_csv(items: Iterable[dict[str, Any]], audience: Audience) -> bytes:
    """The export as Excel-ready CSV bytes (BOM, ";", CRLF, local times, labels)."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(
        buffer, delimiter=DELIMITER, quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n"
    )
    writer.writerow(excel_columns())
    for item in items:
        writer.writerow(row(item, audience))
    return buffer.getvalue().encode("utf-8")
