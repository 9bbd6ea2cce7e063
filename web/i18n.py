"""Languages: Babel catalogues per locale, Accept-Language negotiation, locale-aware formatting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale as BabelLocale
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations

LOCALES = ("nl", "en", "da")
DEFAULT_LOCALE = "nl"
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English", "da": "Dansk"}
LOCALE_DIR = Path(__file__).parent / "locale"
# The default zone (Dutch organisations); a user's dates are shown in their organisation's zone.
DEFAULT_TIME_ZONE = "Europe/Amsterdam"
TIME_ZONES = ("Europe/Amsterdam", "Europe/Copenhagen")
# One date format across the UI: Babel's medium date and short time of the user's language.
DATE_FORMAT = "medium"
TIME_FORMAT = "short"
_ZONE: ContextVar[str] = ContextVar("weerbaar_time_zone", default=DEFAULT_TIME_ZONE)


def zone_info(name: str | None) -> ZoneInfo:
    """A supported time zone by name; the default for anything else."""
    return ZoneInfo(name if name in TIME_ZONES else DEFAULT_TIME_ZONE)


def set_time_zone(name: str | None) -> None:
    """The time zone of this request (the logged-in user's organisation); set by the middleware."""
    _ZONE.set(name if name in TIME_ZONES else DEFAULT_TIME_ZONE)


def current_zone() -> ZoneInfo:
    """The time zone of this request, for reading datetime-local inputs and grouping by day."""
    return ZoneInfo(_ZONE.get())


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


@cache
def translations(locale: str) -> NullTranslations:
    """The compiled catalogue of a locale (English is the source language)."""
    if locale == "en":
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [locale], domain="messages")


def negotiate(accept_language: str | None) -> str | None:
    """The best supported locale in an Accept-Language header (nl-NL counts as nl), or None."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().split("-")[0].split("_")[0].lower()
        if primary not in LOCALES:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        candidate = (-quality, position, primary)
        if best is None or candidate < best:
            best = candidate
    return best[2] if best else None


@dataclass(frozen=True)
class Language:
    """Everything a request needs to speak one language: gettext and formatters."""

    code: str
    zone: str = DEFAULT_TIME_ZONE

    @property
    def tz(self) -> ZoneInfo:
        """The organisation's time zone, in which every date is shown."""
        return zone_info(self.zone)

    @property
    def _catalogue(self) -> NullTranslations:
        return translations(self.code)

    def gettext(self, message: str, **values: object) -> str:
        """The translated message, with %(name)s placeholders filled in."""
        text = self._catalogue.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        """The singular or plural translation for n, with %(num)s and the values filled in."""
        text = self._catalogue.ngettext(singular, plural, n)
        return text % {"num": self.number(n), **values}

    def datetime(self, value: dt.datetime | None, fmt: str = "medium") -> str:
        """A date and time in this locale, in the organisation's time zone; one format everywhere.

        `fmt` is accepted for old callers and ignored: the UI shows one date format.
        """
        if value is None:
            return ""
        local = value.astimezone(self.tz)
        day = format_date(local.date(), format=DATE_FORMAT, locale=self.code)
        time = format_time(local, format=TIME_FORMAT, tzinfo=self.tz, locale=self.code)
        return f"{day} {time}"

    def date(self, value: dt.date | dt.datetime | None, fmt: str = "medium") -> str:
        """A date in this locale (in the organisation's time zone); one format everywhere."""
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            value = value.astimezone(self.tz).date()
        return format_date(value, format=DATE_FORMAT, locale=self.code)

    def month(self, value: dt.date) -> str:
        """A month and year, e.g. 'mrt 2026'."""
        return format_date(value, format="MMM y", locale=self.code)

    def short_month(self, value: dt.date) -> str:
        """An abbreviated month name, e.g. 'mrt'."""
        return format_date(value, format="LLL", locale=self.code)

    def number(self, value: float | int) -> str:
        """A number with this locale's separators."""
        return format_decimal(value, locale=self.code)

    def money(self, amount: str, currency: str) -> str:
        """An amount of money in this locale, e.g. '€ 1.250,50' or 'DKK 8.000,00'."""
        return format_currency(Decimal(amount), currency, locale=self.code)

    def filesize(self, value: int) -> str:
        """A byte count for people: 1,5 MB."""
        size = float(value)
        for unit in ("B", "kB", "MB", "GB"):
            if size < 1000 or unit == "GB":
                shown = self.number(round(size, 1)) if unit != "B" else self.number(int(size))
                return f"{shown} {unit}"
            size /= 1000
        return str(value)

    @property
    def display_name(self) -> str:
        """The language's own name."""
        return LANGUAGE_NAMES[self.code]

    def context(self) -> dict[str, Callable[..., str] | str]:
        """Template globals for one request: no shared gettext is ever installed."""
        return {
            "_": self.gettext,
            "gettext": self.gettext,
            "ngettext": self.ngettext,
            "lang": self.code,
        }


def language(code: str, zone: str | None = None) -> Language:
    """A supported language (falling back to the default), showing dates in the given time zone."""
    return Language(
        code if code in LOCALES else DEFAULT_LOCALE, zone if zone in TIME_ZONES else DEFAULT_TIME_ZONE
    )


def babel_locale(code: str) -> BabelLocale:
    """Babel's locale object, for month names in charts."""
    return BabelLocale.parse(code)
