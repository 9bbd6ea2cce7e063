"""Keyset pagination: opaque (timestamp, id) cursors, page cutting, change feeds and LIKE patterns."""

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import tuple_
from sqlmodel import Session

from app.errors import FieldError, Invalid

T = TypeVar("T")


def encode_cursor(at: datetime, ident: uuid.UUID) -> str:
    """An opaque cursor pointing just after the row (at, ident) in its list order."""
    raw = json.dumps([at.isoformat(), str(ident)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _refused() -> Invalid:
    return Invalid(
        "The cursor is not valid.",
        [FieldError("cursor", "use the `next` link of the previous page", "invalid_cursor", "query")],
    )


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The position a cursor points at; a field error when it was not made by this API.

    A cursor comes from the client, so every part of it is checked for its type: a forged one
    (a number or `true` for the id, a date without a zone or out of range) is a 400, never a 500.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii") + b"=" * (-len(cursor) % 4))
        parts = json.loads(raw)
        if not (isinstance(parts, list) and len(parts) == 2 and all(isinstance(p, str) for p in parts)):
            raise ValueError("not a pair of strings")
        moment = datetime.fromisoformat(parts[0])
        if moment.tzinfo is None:
            raise ValueError("no time zone")
        return moment.astimezone(UTC), uuid.UUID(parts[1])
    except (ValueError, TypeError, OverflowError, binascii.Error, RecursionError) as exc:
        raise _refused() from exc


def decode_id_cursor(cursor: str) -> uuid.UUID:
    """A cursor that is the id of the last row of the previous page."""
    try:
        return uuid.UUID(cursor)
    except ValueError as exc:
        raise _refused() from exc


MAX_SEQUENCE = 2**63 - 1  # a BIGINT column


def decode_sequence_cursor(cursor: str) -> int:
    """A cursor that is the sequence number of the last row of the previous page."""
    if not (cursor.isascii() and cursor.isdigit()) or int(cursor) > MAX_SEQUENCE:
        raise _refused()
    return int(cursor)


def page_of(
    rows: Sequence[T], limit: int, position: Callable[[T], tuple[datetime, uuid.UUID]]
) -> tuple[list[T], str | None]:
    """Cut rows fetched with `limit + 1` to one page; the cursor of the next page or None."""
    items = list(rows[:limit])
    more = len(rows) > limit and items
    return items, encode_cursor(*position(items[-1])) if more else None


def like_pattern(text: str) -> str:
    """A case-folded LIKE pattern (escape character backslash) matching text anywhere."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# --- change feeds -----------------------------------------------------------------------------

# The one order a mirror needs: by update time, oldest first, ties broken by id. Its cursors carry
# this tag, so a cursor of the default order is refused in the change feed and the other way round.
BY_UPDATE = "updatedAt"


@dataclass(frozen=True)
class Sync:
    """A list read as a change feed: only rows changed at or after `since`; by update time."""

    since: datetime | None = None
    by_update: bool = False


def encode_update_cursor(at: datetime, ident: uuid.UUID) -> str:
    """An opaque cursor just after (at, ident) in the order by update time."""
    raw = json.dumps([BY_UPDATE, at.isoformat(), str(ident)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_update_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The position of a change-feed cursor; a field error for anything else (400, never 500)."""
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii") + b"=" * (-len(cursor) % 4))
        parts = json.loads(raw)
        if not (
            isinstance(parts, list)
            and len(parts) == 3
            and all(isinstance(p, str) for p in parts)
            and parts[0] == BY_UPDATE
        ):
            raise ValueError("not a change-feed cursor")
        moment = datetime.fromisoformat(parts[1])
        if moment.tzinfo is None:
            raise ValueError("no time zone")
        return moment.astimezone(UTC), uuid.UUID(parts[2])
    except (ValueError, TypeError, OverflowError, binascii.Error, RecursionError) as exc:
        raise _refused() from exc


def changed_since(stmt: Any, sync: Sync | None, updated: Any) -> Any:
    """Narrow a list statement to rows changed at or after sync.since (inclusive: nothing is lost
    when the next sync starts at the last updatedAt seen; the client drops ids it already has)."""
    if sync is not None and sync.since is not None:
        stmt = stmt.where(updated >= sync.since)
    return stmt


def by_update_page(
    session: Session, stmt: Any, model: Any, *, cursor: str | None, limit: int
) -> tuple[list[Any], str | None]:
    """One page of model rows in update order (updatedAt, then id, ascending) and the next cursor
    or None.

    A row changed while a client pages gets a later updatedAt, so it moves behind the cursor and
    comes again on a later page (or the next sync): it is never skipped.
    """
    updated, ident = model.updated_at, model.id
    if cursor:
        at, last = decode_update_cursor(cursor)
        stmt = stmt.where(tuple_(updated, ident) > tuple_(at, last))
    rows: Sequence[Any] = session.exec(stmt.order_by(updated, ident).limit(limit + 1)).all()
    items = list(rows[:limit])
    more = len(rows) > limit and items
    return items, encode_update_cursor(items[-1].updated_at, items[-1].id) if more else None
