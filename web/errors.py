"""Readable sentences for API errors."""

from __future__ import annotations

from collections.abc import Callable

from web.client import ApiError


def describe(gettext: Callable[..., str], exc: ApiError) -> str:
    """A readable sentence for an API error."""
    known = {
        403: gettext("You are not allowed to do this."),
        404: gettext("This item does not exist or you may not see it."),
        412: gettext(
            "Someone else changed this in the meantime. Your input is kept; "
            "check the current version and save again."
        ),
        413: gettext("The file is too large."),
        415: gettext("This type of file is not accepted."),
        429: gettext("Too many attempts; wait a moment and try again."),
        503: gettext("The service is temporarily unavailable; try again in a moment."),
    }
    text = known.get(exc.status)
    if text and exc.status not in (403, 409):
        return text
    return f"{text} {exc.detail}" if text else exc.detail
