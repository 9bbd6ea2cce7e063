"""Web captures as the UI reads them, and their statuses and failure reasons in words."""

from __future__ import annotations

from datetime import datetime

from web.i18n import N_
from web.models import View

ACTIVE = ("queued", "running")
STATUSES = {
    "queued": N_("Waiting"),
    "running": N_("Capturing…"),
    "done": N_("Captured"),
    "failed": N_("Failed"),
}
REASONS = {
    "address_refused": N_(
        "The address (or a page it forwards to) is on an internal network; captures only reach the "
        "public internet."
    ),
    "dns_failed": N_("The website's name could not be found. Check the address."),
    "tls_failed": N_("The website's security certificate could not be verified."),
    "connection_failed": N_("The website could not be reached."),
    "http_error": N_("The website answered with an error (HTTP status %(status)s); nothing was kept."),
    "timeout": N_("The page did not finish loading in time."),
    "too_large": N_("The page and its files are larger than the limit for a capture."),
    "browser_unavailable": N_("The capture browser is not available on the server. Ask your administrator."),
    "storage_failed": N_("The files could not be stored. Try again later."),
    "internal_error": N_("The capture failed because of an error on the server. Try again later."),
}


class Capture(View):
    id: str
    incident_id: str
    url: str
    final_url: str | None = None
    http_status: int | None = None
    status: str
    reason: str | None = None
    requested_at: datetime
    finished_at: datetime | None = None
    wacz_evidence_id: str | None = None
    screenshot_evidence_id: str | None = None
    metadata_evidence_id: str | None = None
