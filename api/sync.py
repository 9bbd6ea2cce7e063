"""Change feeds and conditional GET: the query keys a mirror uses and the 304 of a single resource."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Header, Query
from pydantic import AwareDatetime
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.pagination import Sync

RECIPE = (
    "To mirror the collection, read it with `sort=updatedAt` (oldest change first, ties by id) and "
    "follow `next` to the end; keep the `updatedAt` of the last item. The next sync asks "
    "`updatedSince` = that time: the boundary is inclusive, so nothing is lost, and the items at "
    "the boundary come again (drop ids you already have in that version). An item changed while "
    "you page moves behind the cursor and comes on a later page. A write still committing while you "
    "read may carry a slightly earlier updatedAt: start a few seconds (say 5 s) before that time."
)


class SortKey(StrEnum):
    """An order besides a list's usual one: updatedAt, the change feed's."""

    updated_at = "updatedAt"


# Strict like every date-time query key: api/strict_query.py refuses a number or a bare date (400).
UpdatedSince = Annotated[
    AwareDatetime | None,
    Query(
        alias="updatedSince",
        description="Only items changed at or after this moment (RFC 3339 date-time with offset; "
        "inclusive). " + RECIPE,
    ),
]
Sort = Annotated[
    SortKey | None,
    Query(
        description="`updatedAt`: by update time, oldest first, ties by id (the order of a change "
        "feed; its cursors hold only in this order). Without it the list keeps its usual order."
    ),
]


def sync_of(updated_since: datetime | None, sort: SortKey | None) -> Sync:
    """The change-feed reading the query keys ask for."""
    return Sync(since=updated_since, by_update=sort == SortKey.updated_at)


IfNoneMatch = Annotated[
    str | None,
    Header(
        alias="If-None-Match",
        description="The ETag you hold: 304 without a body while it is still current.",
    ),
]

NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {
        "description": "Not modified: the ETag in If-None-Match is still current (no body).",
        "headers": {"ETag": {"description": "The current ETag.", "schema": {"type": "string"}}},
    }
}


class NotModified(StarletteHTTPException):
    """The representation the client holds is current: 304 with the ETag and no body."""

    def __init__(self, etag: str) -> None:
        super().__init__(status_code=304, headers={"ETag": etag})


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def check_not_modified(if_none_match: str | None, etag: str) -> None:
    """Raise NotModified when If-None-Match names the current ETag (weak comparison, or `*`)."""
    if if_none_match is None:
        return
    if if_none_match.strip() == "*" or _opaque(etag) in {
        _opaque(t) for t in if_none_match.split(",") if t.strip()
    }:
        raise NotModified(etag)
