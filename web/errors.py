"""Readable sentences for API errors, in the user's language (never the API's English detail)."""

from __future__ import annotations

from collections.abc import Callable

from web.client import ApiError
from web.i18n import N_

# Problem types (the slug: the last segment of the type URI) with a sentence for people.
PROBLEM_TYPES: dict[str, str] = {
    "invalid-input": N_("Not saved: some input is not accepted."),
    "bad-request": N_("Not saved: some input is not accepted."),
    "handling-order": N_(
        "This cannot be done yet: the protocol's handling order requires an earlier step first "
        "(for example the police report before anything is removed)."
    ),
    "invalid-state": N_("This is not possible in the current status."),
    "conflict": N_("This conflicts with the current state; reload the page and try again."),
    "duplicate-external-reference": N_("This external reference is already used by another incident."),
    "precondition-failed": N_(
        "Someone else changed this in the meantime. Your input is kept; "
        "check the current version and save again."
    ),
    "precondition-required": N_("Reload the page and save again."),
    "password-change-required": N_("Change your password first."),
    "gone": N_("The content was removed at the end of its retention period."),
    "too-large": N_("The file is too large."),
    "unsupported-media-type": N_("This type of file is not accepted."),
    "not-found": N_("This item does not exist or you may not see it."),
    "forbidden": N_("You are not allowed to do this."),
    "unauthenticated": N_("Your session has expired. Log in again."),
    "too-many-requests": N_("Too many attempts; wait a moment and try again."),
    "unavailable": N_("The service is temporarily unavailable; try again in a moment."),
}
STATUSES: dict[int, str] = {
    400: N_("Not saved: some input is not accepted."),
    401: N_("Your session has expired. Log in again."),
    403: N_("You are not allowed to do this."),
    404: N_("This item does not exist or you may not see it."),
    405: N_("This is not possible here."),
    409: N_("This is not possible in the current status."),
    410: N_("The content was removed at the end of its retention period."),
    412: PROBLEM_TYPES["precondition-failed"],
    413: N_("The file is too large."),
    415: N_("This type of file is not accepted."),
    422: N_("Not saved: some input is not accepted."),
    428: PROBLEM_TYPES["precondition-required"],
    429: N_("Too many attempts; wait a moment and try again."),
    503: N_("The service is temporarily unavailable; try again in a moment."),
}
GENERIC = N_("Something went wrong; try again later.")


def describe(gettext: Callable[..., str], exc: ApiError, locale: str | None = None) -> str:
    """A readable sentence for an API error in the user's language.

    The API's own detail is English: only an English screen (locale "en") adds it, for the specifics.
    """
    message = PROBLEM_TYPES.get(exc.type) or STATUSES.get(exc.status)
    if message is None:
        message = STATUSES[400] if 400 <= exc.status < 500 else GENERIC
    text = gettext(message)
    if locale == "en" and exc.detail and exc.detail not in text:
        return f"{text} {exc.detail}"
    return text
