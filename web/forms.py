"""Form handling: API field errors mapped to form fields, in the user's language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from web.client import ApiError
from web.i18n import N_, current_zone

Gettext = Callable[..., str]


# The API's field error codes (app/ FieldErrors and the pydantic error types it passes on) with
# a message in the user's language. Hyphens count as underscores: not-allowed == not_allowed.
# tests/web/test_language_leaks.py checks that every code used in app/ is here.
FIELD_MESSAGES: dict[str, str] = {
    # pydantic's types, as the API passes them on
    "missing": N_("Fill in this field."),
    "string_too_short": N_("This is too short."),
    "string_too_long": N_("This is too long."),
    "too_short": N_("Choose at least one."),
    "too_long": N_("Too many entries."),
    "enum": N_("Choose one of the options."),
    "literal_error": N_("Choose one of the options."),
    "datetime_from_date_parsing": N_("Enter a date and time."),
    "datetime_parsing": N_("Enter a date and time."),
    "datetime_type": N_("Enter a date and time."),
    "timezone_aware": N_("Enter a date and time."),
    "date_parsing": N_("Enter a date."),
    "date_from_datetime_parsing": N_("Enter a date."),
    "date_type": N_("Enter a date."),
    "uuid_parsing": N_("Choose one of the options."),
    "uuid_type": N_("Choose one of the options."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "float_parsing": N_("Enter a number."),
    "greater_than": N_("This number is too small."),
    "greater_than_equal": N_("This number is too small."),
    "less_than": N_("This number is too large."),
    "less_than_equal": N_("This number is too large."),
    "bool_parsing": N_("Choose yes or no."),
    "bool_type": N_("Choose yes or no."),
    "string_type": N_("Enter text."),
    "string_pattern_mismatch": N_("This value is not accepted."),
    "list_type": N_("Choose one or more of the options."),
    "dict_type": N_("This value is not accepted."),
    "model_type": N_("This value is not accepted."),
    "url_parsing": N_("Enter a full web address starting with https:// or http://."),
    "url_scheme": N_("Enter a full web address starting with https:// or http://."),
    "url_too_long": N_("This is too long."),
    "json_invalid": N_("The form could not be read; send it again."),
    "extra_forbidden": N_("This field is not accepted here."),
    "unknown_parameter": N_("This field is not accepted here."),
    "value_error": N_("This value is not accepted."),
    # the domain's own codes
    "invalid": N_("This value is not accepted."),
    "required": N_("Fill in this field."),
    "not_positive": N_("Fill in an amount above zero."),
    "blank": N_("Fill in this field."),
    "empty": N_("Fill in this field."),
    "not_null": N_("This field cannot be emptied."),
    "not_nullable": N_("This field cannot be emptied."),
    "not_before_occurred": N_("This must not be before the date it happened."),
    "before_occurred": N_("This must not be before the date it happened."),
    "not_after_start": N_("The end must be after the start."),
    "invalid_range": N_("The end must be after the start."),
    "in_past": N_("This must not be in the past."),
    "too_far_ahead": N_("This is too far in the future (at most a year ahead)."),
    "before_conversation": N_("This must not be before the conversation."),
    "after_recording": N_("Consent must be given before the recording."),
    "unknown_user": N_("This person is not a user of your organisation."),
    "invalid_phone": N_("Enter a phone number: digits, spaces and + ( ) - only."),
    "unknown_entry": N_("Choose a note of this incident."),
    "police_report_first": N_("The police trace a sender only after the police report: record it first."),
    "sender_known": N_("The sender of this incident is known; tracing is for an unknown sender."),
    "not_affected_employee": N_("Choose an employee this incident concerns."),
    "no_collective_report": N_("Under your organisation's rules one employee files each police report."),
    "not_in_pack": N_("Choose one of the options of your organisation's rules."),
    "may_not_contact_offender": N_("Under your organisation's rules only the leader talks to the offender."),
    "unknown_perpetrator": N_("This perpetrator is not known in your organisation."),
    "unknown_evidence": N_("This evidence is not part of the incident."),
    "unknown_role": N_("Choose one or more of the roles."),
    "unknown_field": N_("This field is not accepted here."),
    "not_a_case_handler": N_("Choose a case handler, privacy officer or legal staff member."),
    "transition_not_allowed": N_("This status change is not possible from the current status."),
    "contact_unreachable": N_("Each contact needs a phone number or an e-mail address."),
    "unknown_takedown": N_("This takedown request is not part of the incident."),
    "takedown_not_ignored": N_("Only after the sender refused or did not answer the request to remove it."),
    "not_allowed_now": N_("This is not possible in the current status."),
    "not_allowed": N_("Leave this empty for this decision."),
    "not_applicable": N_("This field does not apply to this kind."),
    "only_with_status": N_("Only together with the matching status."),
    "only_when_done": N_("Only when the action is marked done."),
    "only_when_sent": N_("Only when the request is sent."),
    "only_when_waived": N_("Only when the action is waived."),
    "only_with_response": N_("Only together with a response status."),
    "not_draft": N_("This can only be changed while the request is a draft."),
    "not_yet_due": N_("The recipient still has time to answer."),
    "no_escalation": N_("There is no further escalation step."),
    "evidence_missing": N_("Secure the evidence of this web address first, then ask for its removal."),
    "police_report_pending": N_(
        "A police report is required before anything is removed: mark it done, "
        "or have it waived with a reason."
    ),
    "incident_open": N_("The incident must be closed first."),
    "legal_hold_active": N_("Release the legal hold first."),
    "hold_already_set": N_("The legal hold is already set."),
    "hold_not_set": N_("There is no legal hold to release."),
    "duplicate": N_("This is already used; enter it once."),
    "pending": N_("First record the decision."),
    "consent_needed": N_("Photo or video outside public space needs the prior consent of every employee."),
    "consent_refused": N_("This employee refused images: refuse the request or offer an alternative."),
    "audio_refusal_needs_alternative": N_(
        "Audio may only be refused for weighty reasons; describe the alternative offered."
    ),
    "portrait_right_needs_images": N_("Portrait right concerns images: only for photo or video."),
    "portrait_right_needs_refusing_employee": N_(
        "A refusal on portrait right names the employee who refused consent."
    ),
    "no_conditions": N_("The requester must accept the conditions first."),
    "name_or_handle": N_("Give a name or at least one account handle."),
    "invalid_email": N_("Enter an e-mail address."),
    "not_email": N_("Enter an e-mail address."),
    "email_unavailable": N_("This e-mail address is already in use."),
    "password_too_short": N_("The password is too short: use at least 12 characters."),
    "password_blank": N_("The password must contain more than spaces."),
    "self_reset": N_("Change your own password under My account."),
    "repeat_mismatch": N_("The two new passwords are not the same."),
    "wrong_password": N_("The current password is not correct."),
    "same_as_email": N_("The password must differ from the e-mail address."),
    "unchanged": N_("Choose a password you have not used just now."),
    "self_deactivation": N_("You cannot deactivate your own account."),
    "self_demotion": N_("You cannot take away your own administrator role."),
    "invalid_slug": N_("Use lower-case letters, digits and hyphens only."),
    "invalid_country": N_("Choose the Netherlands or Denmark."),
    "country_mismatch": N_("This legal pack belongs to another country."),
    "invalid_cursor": N_("This page link is no longer valid; start again from the first page."),
    "url_invalid": N_("Enter a full web address starting with https:// or http://."),
    "https_required": N_("Use a web address starting with https://."),
    "target_not_public": N_("Webhooks can only go to public internet addresses."),
    "capture_target_not_public": N_(
        "This address is on an internal network; captures only reach the public internet."
    ),
    "subscription_disabled": N_("The receiver has switched this subscription off; add a new subscription."),
    "template_syntax": N_("The template contains an error."),
    "template_render": N_("The template cannot be filled in."),
    "template_include": N_("A letter template cannot include, import or extend another template."),
    "template_unsafe": N_("The template uses something that is not allowed in a letter template."),
    "password_padded": N_("Spaces and invisible characters do not count: use at least 12 other characters."),
    "organisation_required": N_(
        "This e-mail address and password fit accounts in several organisations. "
        "Fill in the organisation you want to log in to."
    ),
    "too_large": N_("The file is too large."),
    "unsupported_type": N_("This type of file is not accepted."),
    "malformed": N_("The upload could not be read; send it again."),
    "truncated": N_("The upload was interrupted; send it again."),
    "one_file_only": N_("Send one file at a time."),
    "not_multipart": N_("The upload could not be read; send it again."),
    "unknown_notification_kind": N_("This kind of notice does not exist."),
    "notification_mandatory": N_("This kind of notice is always sent at once; it cannot be turned off."),
}
GENERIC_FIELD_MESSAGE = N_("This value is not accepted.")

# The API's field names (the first part of an error's path) as people call them, for errors that
# have no place in the form on screen.
FIELD_NAMES: dict[str, str] = {
    "phone": N_("Phone number"),
    "statement": N_("What the witness saw"),
    "happenedAt": N_("When it happened"),
    "what": N_("What happened"),
    "where": N_("Where"),
    "who": N_("Who was involved"),
    "correctsId": N_("Corrects an earlier note"),
    "subject": N_("The complaint"),
    "aggressionAddressed": N_("Aggression addressed"),
    "agreements": N_("Agreements"),
    "resolution": N_("Resolution"),
    "requestedAt": N_("When it was asked"),
    "identifiedAs": N_("Who the sender is"),
    "outcome": N_("Outcome"),
    "channel": N_("Who is asked"),
    "reference": N_("Reference"),
    "title": N_("Title"),
    "description": N_("Description"),
    "occurredAt": N_("When it happened"),
    "detectedAt": N_("When it was noticed"),
    "behaviours": N_("Behaviours"),
    "platform": N_("Platform"),
    "urls": N_("Web addresses"),
    "status": N_("Status"),
    "closureReason": N_("Reason for closing"),
    "caseHandlerId": N_("Case handler"),
    "affectedEmployees": N_("Affected employees"),
    "perpetrator": N_("Perpetrator"),
    "perpetratorId": N_("Perpetrator"),
    "classificationOverride": N_("Classification"),
    "severity": N_("Severity"),
    "externalReferences": N_("External references"),
    "politicalOfficeHolder": N_("Political office holder"),
    "kind": N_("Kind"),
    "dueAt": N_("Due date"),
    "assigneeId": N_("Assignee"),
    "startsAt": N_("Start"),
    "endsAt": N_("End"),
    "waiverReason": N_("Reason for waiving"),
    "doneAt": N_("Done on"),
    "policeReference": N_("Police reference"),
    "reportedAt": N_("Reported on"),
    "recipientName": N_("Recipient"),
    "recipientKind": N_("Recipient"),
    "goodFaith": N_("Statement of good faith"),
    "sentAt": N_("Sent on"),
    "response": N_("Response"),
    "policeReport": N_("Police report"),
    "body": N_("Content"),
    "file": N_("File"),
    "cursor": N_("Page"),
    "email": N_("E-mail address"),
    "password": N_("Password"),
    "currentPassword": N_("Current password"),
    "newPassword": N_("New password"),
    "roles": N_("Roles"),
    "isActive": N_("Active"),
    "locale": N_("Language"),
    "name": N_("Name"),
    "url": N_("Web address"),
    "scopes": N_("Permissions"),
    "conversationAt": N_("Date of the conversation"),
    "employees": N_("Employees"),
    "reason": N_("Reason"),
    "refusalGround": N_("Ground for refusal"),
    "alternative": N_("Alternative"),
    "conditionsAccepted": N_("Conditions accepted"),
    "decision": N_("Decision"),
    "kinds": N_("Kinds of recording"),
    "legalHold": N_("Legal hold"),
    "active": N_("Legal hold"),
    "incidentId": N_("Incident"),
    "occurredFrom": N_("From"),
    "occurredTo": N_("Until"),
    "managerId": N_("Manager"),
    # copies and reposts, re-checks, the preparedness plan
    "reach": N_("Reach"),
    "note": N_("Note"),
    "foundAt": N_("When it was found"),
    "intervalDays": N_("Check every (days)"),
    "durationDays": N_("For how many days"),
    "takedownRequestId": N_("Takedown request"),
    "norm": N_("Our norm"),
    "monitoring": N_("Who monitors"),
    "removalGuidance": N_("Technical removal guidance"),
    "contacts": N_("Contacts"),
    "nextReviewOn": N_("Next evaluation"),
}


def field_message(gettext: Gettext, code: str, detail: str = "") -> str:
    """The message for one field error code in the user's language; never the API's English text."""
    message = FIELD_MESSAGES.get(code.replace("-", "_"))
    if message is None or code == "value_error":
        if "future" in detail:
            message = N_("This must not be in the future.")
        elif "http(s) URL" in detail:
            message = N_("Enter full web addresses starting with https:// or http://, one per line.")
        elif "name or at least one account handle" in detail:
            message = FIELD_MESSAGES["name_or_handle"]
    return gettext(message or GENERIC_FIELD_MESSAGE)


def field_name(gettext: Gettext, path: str) -> str:
    """A field's name for people, from the API's path (affectedEmployees/1/userId: row 2)."""
    parts = path.split("/")
    label = FIELD_NAMES.get(parts[0])
    shown = gettext(label) if label else gettext("Other input")
    rows = [int(p) + 1 for p in parts[1:] if p.isdigit()]
    if rows:
        shown = gettext("%(field)s, row %(row)s", field=shown, row=rows[0])
    return shown


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
            rest.append(f"{field_name(gettext, problem.name)}: {message}")
    return by_field, rest


def local_to_utc(value: str) -> str | None:
    """A datetime-local input (in the organisation's time zone) as an ISO 8601 string; None if empty."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value  # the API explains what is wrong with it
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=current_zone())
    return parsed.isoformat()


def utc_to_local_input(value: datetime | None) -> str:
    """A datetime for a datetime-local input, in the organisation's time zone."""
    if value is None:
        return ""
    return value.astimezone(current_zone()).strftime("%Y-%m-%dT%H:%M")


def lines(value: str) -> list[str]:
    """Non-empty lines of a textarea."""
    return [line.strip() for line in value.splitlines() if line.strip()]
