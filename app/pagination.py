"""Keyset pagination: opaque (timestamp, id) cursors, page cutting and LIKE search patterns."""

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from app.errors import FieldError, Invalid

T = TypeVar("T")


def encode_cursor(at: datetime, ident: uuid.UUID) -> str:
    """An opaque cursor pointing just after the row (at, ident) in its list order."""
    raw = json.dumps([at.isoformat(), str(ident)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The position a cursor points at; a field error when it was not made by this API."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, ident = json.loads(raw)
        moment = datetime.fromisoformat(at)
        if moment.tzinfo is None:
            raise ValueError
        return moment, uuid.UUID(ident)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as exc:
        raise Invalid(
            "The cursor is not valid.",
            [FieldError("cursor", "use the `next` link of the previous page", "invalid_cursor", "query")],
        ) from exc


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
