"""Form handling: API field errors mapped to form fields, in the user's language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from web.client import ApiError
from web.i18n import TIMEZONE

Gettext = Callable[..., str]


def field_message(gettext: Gettext, code: str, detail: str) -> str:
    """A readable message for one field error; the API's own text where nothing better is known."""
    messages = {
        "missing": gettext("Fill in this field."),
        "string_too_short": gettext("This is too short."),
        "string_too_long": gettext("This is too long."),
        "too_short": gettext("Choose at least one."),
        "too_long": gettext("Too many entries."),
        "enum": gettext("Choose one of the options."),
        "literal_error": gettext("Choose one of the options."),
        "datetime_from_date_parsing": gettext("Enter a date and time."),
        "datetime_parsing": gettext("Enter a date and time."),
        "timezone_aware": gettext("Enter a date and time."),
    }
    if code in messages:
        return messages[code]
    if "future" in detail:
        return gettext("This must not be in the future.")
    if "http(s) URL" in detail:
        return gettext("Enter full web addresses starting with https:// or http://, one per line.")
    return detail


def field_errors(gettext: Gettext, exc: ApiError, fields: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """Errors per form field (named like the API's body keys) and the ones that fit no field."""
    known = set(fields)
    by_field: dict[str, str] = {}
    rest: list[str] = []
    for problem in exc.errors:
        head = problem.name.split("/")[0]
        message = field_message(gettext, problem.code, problem.detail)
        if head in known and head not in by_field:
            by_field[head] = message
        elif head not in known:
            rest.append(f"{problem.name}: {message}")
    return by_field, rest


def local_to_utc(value: str) -> str | None:
    """A datetime-local input (Amsterdam/Copenhagen time) as an ISO 8601 UTC string; '' if empty."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value  # the API explains what is wrong with it
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=TIMEZONE)
    return parsed.isoformat()


def utc_to_local_input(value: datetime | None) -> str:
    """A datetime for a datetime-local input, in local time."""
    if value is None:
        return ""
    return value.astimezone(TIMEZONE).strftime("%Y-%m-%dT%H:%M")


def lines(value: str) -> list[str]:
    """Non-empty lines of a textarea."""
    return [line.strip() for line in value.splitlines() if line.strip()]
