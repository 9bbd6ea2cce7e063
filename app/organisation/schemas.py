"""API views of an organisation."""

from __future__ import annotations

from pydantic import Field

from app.organisation.models import Country, Locale, Organisation
from app.schemas import ApiModel

# Dates are shown, and local times read, in the organisation's zone.
TIME_ZONES = {Country.NL.value: "Europe/Amsterdam", Country.DK.value: "Europe/Copenhagen"}


class OrganisationSummary(ApiModel):
    """The user's organisation: what a client needs to speak its language and show its times."""

    name: str
    slug: str
    country: Country
    default_locale: Locale
    time_zone: str = Field(
        description="IANA time zone for showing dates and reading local times.",
        examples=["Europe/Amsterdam"],
    )

    @classmethod
    def of(cls, organisation: Organisation) -> OrganisationSummary:
        """The summary of an organisation row."""
        return cls(
            name=organisation.name,
            slug=organisation.slug,
            country=Country(organisation.country),
            default_locale=Locale(organisation.default_locale),
            time_zone=TIME_ZONES.get(organisation.country, "Europe/Amsterdam"),
        )
