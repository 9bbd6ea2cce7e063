"""Notices in the inbox: their shapes as the API sends them, a sentence per kind, and their links.

The API sends a kind and a few parameters (never incident content); the sentence is written here in
the user's language, so a Dutch or Danish screen never shows the API's English.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from web.i18n import N_, Language
from web.models import Page, View
from web.vocabulary import ACTION_KINDS, RECIPIENT_KINDS

# Every kind of notice, as the preferences page names it (checked against the contract in tests).
NOTIFICATION_KINDS = {
    "incident_assigned": N_("Incident assigned"),
    "incident_new_in_queue": N_("New incident in the queue"),
    "report_registered_manager": N_("Report involving an employee (to the manager)"),
    "report_registered_affected": N_("Report naming an employee (to that employee)"),
    "action_due": N_("Action due soon"),
    "action_overdue": N_("Action overdue"),
    "police_report_deadline": N_("Police report due"),
    "takedown_overdue": N_("Takedown request past its answer date"),
    "repeat_perpetrator": N_("Repeat perpetrator (possible stalking)"),
    "evidence_integrity_alert": N_("Evidence failed its integrity check"),
    "webhook_disabled": N_("Webhook subscription disabled"),
    "recording_violation": N_("Breach of the recording conditions"),
    "url_back_online": N_("Removed post back online"),
    "privacy_concerned": N_("Personal data of an employee online (to the privacy officers)"),
}
DELIVERIES = {
    "immediately": N_("Immediately"),
    "daily_digest": N_("Daily digest"),
    "off": N_("Off"),
}
# Why a mandatory kind is always sent at once (the API decides which kinds are mandatory).
MANDATORY_REASONS = {
    "incident_assigned": N_("You handle this incident: the protocol needs you to know at once."),
    "action_overdue": N_("An overdue step holds up the handling of a case."),
    "police_report_deadline": N_("The legal pack requires a police report for this incident."),
    "evidence_integrity_alert": N_("Changed or missing evidence may no longer hold up in court."),
}
MANDATORY_REASON = N_("The protocol requires that you are told at once.")

# The sentence of a notice; the second form is used when the parameters it needs are missing.
SENTENCES: dict[str, tuple[str, str]] = {
    "incident_assigned": (N_("An incident is assigned to you."), ""),
    "incident_new_in_queue": (N_("A new incident is waiting in the queue of unassigned incidents."), ""),
    "report_registered_manager": (
        N_("An incident involving one of your employees has been reported."),
        "",
    ),
    "report_registered_affected": (
        N_(
            "An incident in which you are named has been reported. You need not do anything now: "
            "the coordinator will contact you."
        ),
        "",
    ),
    "action_due": (N_("Action due on %(due)s: %(action)s."), N_("An action is due soon.")),
    "action_overdue": (
        N_("Action overdue since %(due)s: %(action)s."),
        N_("An action is overdue."),
    ),
    "police_report_deadline": (
        N_("The police report must be filed by %(due)s."),
        N_("The police report must be filed."),
    ),
    "takedown_overdue": (
        N_("A takedown request had no answer by its due date, %(due)s (recipient: %(recipient)s)."),
        N_("A takedown request has had no answer by its due date."),
    ),
    "repeat_perpetrator": (
        N_("The same perpetrator appears in %(count)s incidents: possibly stalking."),
        N_("The same perpetrator appears in several incidents: possibly stalking."),
    ),
    "evidence_integrity_alert": (
        N_("An evidence item failed its integrity check: it was changed or is missing."),
        "",
    ),
    "webhook_disabled": (
        N_("A webhook subscription was disabled after its deliveries kept failing."),
        "",
    ),
    "recording_violation": (
        N_("A breach of the conditions of a recording that concerns you has been registered."),
        "",
    ),
    "url_back_online": (N_("A removed post was reachable again at a re-check: ask for removal again."), ""),
    "privacy_concerned": (
        N_(
            "An incident puts personal data of an employee online: judge whether to ask the medium to "
            "remove them (privacy or terms of use)."
        ),
        "",
    ),
}
UNKNOWN_SENTENCE = N_("You have a new notice.")
# Said with care to an employee named in a report (the mail says the same).
CARE = {
    "report_registered_affected": N_(
        "Would you like to talk to someone? Contact your manager or the confidential adviser."
    ),
}


class Subject(View):
    type: str
    id: str


class Notification(View):
    id: str
    kind: str
    created_at: datetime
    read_at: datetime | None = None
    subject: Subject | None = None
    incident_id: str | None = None
    incident_reference: str | None = None
    params: dict[str, str] = Field(default_factory=dict)

    @property
    def unread(self) -> bool:
        """Not opened or marked read yet."""
        return self.read_at is None


class NotificationPage(Page[Notification]):
    unread_count: int = 0


class Preference(View):
    kind: str
    delivery: str
    mandatory: bool = False


class OutboxMail(View):
    id: str
    recipient_user_id: str | None = None
    recipient_email: str = ""
    kind: str = ""
    status: str = "failed"
    attempts: int = 0
    last_error: str | None = None
    created_at: datetime | None = None
    sent_at: datetime | None = None


def _when(lang: Language, value: str) -> str:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if parsed.tzinfo is None:
        return lang.date(parsed)
    return lang.datetime(parsed)


def sentence(lang: Language, notice: Notification) -> str:
    """What the notice says, in the user's language, from its kind and parameters."""
    full, short = SENTENCES.get(notice.kind, (UNKNOWN_SENTENCE, ""))
    params = notice.params
    values: dict[str, str] = {}
    if "dueAt" in params:
        values["due"] = _when(lang, params["dueAt"])
    if "actionKind" in params:
        label = ACTION_KINDS.get(params["actionKind"])
        values["action"] = lang.gettext(label) if label else ""
    if "recipientKind" in params:
        label = RECIPIENT_KINDS.get(params["recipientKind"])
        values["recipient"] = lang.gettext(label) if label else ""
    if params.get("count", "").isdigit():
        values["count"] = lang.number(int(params["count"]))
    needed = {name for name in ("due", "action", "recipient", "count") if f"%({name})s" in full}
    if needed and not all(values.get(name) for name in needed):
        return lang.gettext(short or UNKNOWN_SENTENCE)
    return lang.gettext(full, **{k: v for k, v in values.items() if k in needed})


def target(notice: Notification) -> str:
    """The page a notice is about (where following it leads)."""
    subject = notice.subject
    incident = notice.incident_id
    if subject is None:
        return f"/incidents/{incident}" if incident else "/notifications"
    match subject.type:
        case "incident":
            return f"/incidents/{subject.id}"
        case "action" if incident:
            return f"/incidents/{incident}#action-{subject.id}"
        case "takedownRequest" if incident:
            return f"/incidents/{incident}#takedown-{subject.id}"
        case "evidence":
            return f"/evidence/{subject.id}"
        case "recordingPermission":
            return f"/recording-permissions/{subject.id}"
        case "perpetrator":
            return f"/perpetrators/{subject.id}"
        case "webhookSubscription":
            return f"/admin/webhooks/{subject.id}/deliveries"
    return f"/incidents/{incident}" if incident else "/notifications"


def mandatory_reason(kind: str) -> str:
    """Why a kind cannot be turned off (untranslated; the template translates it)."""
    return MANDATORY_REASONS.get(kind, MANDATORY_REASON)
