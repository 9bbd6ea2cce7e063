"""The API's enumerations with their labels; the values are checked against the contract in tests."""

from __future__ import annotations

from web.i18n import N_

BEHAVIOURS = {
    "threat": N_("Threat"),
    "death_threat": N_("Death threat"),
    "insult": N_("Insult"),
    "intimidation": N_("Intimidation"),
    "swearing": N_("Swearing"),
    "humiliation": N_("Humiliation"),
    "bullying": N_("Bullying"),
    "blackmail": N_("Blackmail"),
    "coercion": N_("Coercion"),
    "stalking": N_("Stalking"),
    "discrimination": N_("Discrimination"),
    "extortion": N_("Extortion"),
    "defamation": N_("Defamation"),
    "bomb_threat": N_("Bomb threat"),
    "sexual_blackmail": N_("Sexual blackmail (sextortion)"),
    "doxxing": N_("Doxxing (publishing personal data)"),
    "unauthorised_recording": N_("Recording without permission"),
}
PLATFORMS = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "x": "X (Twitter)",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "linkedin": "LinkedIn",
    "whatsapp": "WhatsApp",
    "telegram": "Telegram",
    "snapchat": "Snapchat",
    "reddit": "Reddit",
    "forum": N_("Forum"),
    "website": N_("Website"),
    "email": N_("E-mail"),
    "sms": N_("Text message"),
    "other": N_("Other"),
}
STATUSES = {
    "reported": N_("Reported"),
    "in_progress": N_("In progress"),
    "monitoring": N_("Monitoring"),
    "closed": N_("Closed"),
}
SEVERITIES = {
    "low": N_("Low"),
    "medium": N_("Medium"),
    "high": N_("High"),
    "critical": N_("Critical"),
}
CLASSIFICATIONS = {
    "criminal": N_("Criminal offence"),
    "actionable": N_("Not criminal, but to be handled"),
    "privacy": N_("Privacy breach"),
}
# The registers' own category names are the values (GIR in Dutch, SafetyNet in Danish).
GIR_CATEGORIES = {
    "(non-)verbale agressie": N_("(Non-)verbal aggression"),
    "persoonlijke bedreiging": N_("Personal threat"),
}
SAFETYNET_CATEGORIES = {
    "mindre vold, trusler og anden krænkende adfærd": N_(
        "Minor violence, threats and other offensive behaviour"
    ),
    "arbejdsskade": N_("Work injury"),
}
LOCATION_KINDS = {
    "employee_account": N_("The employee's own account"),
    "municipal_account": N_("An account of the municipality"),
    "open_forum": N_("Open forum"),
    "half_open_forum": N_("Semi-open forum"),
    "closed_forum": N_("Closed forum or group"),
    "perpetrator_account": N_("The perpetrator's account"),
    "fake_account": N_("A fake account"),
    "email": N_("E-mail"),
    "sms": N_("Text message"),
    "other": N_("Other"),
}
FREQUENCIES = {
    "once": N_("Once"),
    "several_times": N_("Several times"),
    "prolonged": N_("Over a longer period (systematic)"),
}
TARGETS = {
    "employee": N_("One or more employees"),
    "organisation": N_("The municipality as an organisation"),
}
CONFIDENTIALITIES = {
    "normal": N_("Normal"),
    "confidential": N_("Confidential"),
    "strictly_confidential": N_("Strictly confidential"),
}
RELATIONS = {
    "citizen": N_("Citizen"),
    "client": N_("Client of the municipality"),
    "relative_of_client": N_("Relative of a client"),
    "colleague": N_("Colleague"),
    "former_employee": N_("Former employee"),
    "unknown": N_("Unknown"),
    "other": N_("Other"),
}
ROLES = {
    "employee": N_("Employee"),
    "manager": N_("Manager"),
    "case_handler": N_("Case handler"),
    "privacy_officer": N_("Privacy officer"),
    "legal": N_("Legal counsel"),
    "admin": N_("Administrator"),
    "auditor": N_("Auditor"),
}
EVIDENCE_KINDS = {
    "screenshot": N_("Screenshot"),
    "original_file": N_("Original file"),
    "web_capture": N_("Web capture"),
    "email": N_("E-mail"),
    "video": N_("Video"),
    "audio": N_("Audio"),
    "document": N_("Document"),
}
VERIFICATION_RESULTS = {
    "ok": N_("Intact: the hash matches"),
    "mismatch": N_("Changed: the hash does not match"),
    "missing": N_("Missing: the file is gone"),
}
CUSTODY_KINDS = {
    "uploaded": N_("Uploaded"),
    "viewed": N_("Viewed"),
    "downloaded": N_("Downloaded"),
    "exported": N_("Exported in a dossier"),
    "verified": N_("Integrity checked"),
    "hold_set": N_("Legal hold set"),
    "hold_released": N_("Legal hold released"),
    "removed": N_("Removed"),
    "metadata_changed": N_("Details changed"),
}
PUNISHABLE = {
    "yes": N_("Punishable"),
    "under_circumstances": N_("Punishable under circumstances"),
    "no": N_("Not punishable"),
}
# What a legal pack's rule says about a police report, and whether removal waits for it.
REPORT_LEVELS = {
    "required": N_("a police report is required"),
    "suggested": N_("a police report is suggested (to be weighed)"),
    "off": N_("no police report by this rule"),
}
REMOVAL_GATES = {
    "hard": N_("removal waits for the police report (removal requests cannot be sent before it)"),
    "warning": N_("a warning only: stop the harm quickly, after securing the evidence"),
    "off": N_("removal does not depend on the police report"),
}
POLICE_REPORT_REASONS = {
    "classification": N_("Classification"),
    "under_circumstances": N_("Punishable under circumstances"),
    "behaviour": N_("Behaviour"),
    "organisation_threat": N_("A threat against the organisation that endangers staff"),
}

VOCABULARIES = {
    "behaviours": BEHAVIOURS,
    "platforms": PLATFORMS,
    "statuses": STATUSES,
    "severities": SEVERITIES,
    "classifications": CLASSIFICATIONS,
    "location_kinds": LOCATION_KINDS,
    "roles": ROLES,
    "evidence_kinds": EVIDENCE_KINDS,
    "verification_results": VERIFICATION_RESULTS,
    "custody_kinds": CUSTODY_KINDS,
    "punishable": PUNISHABLE,
    "report_levels": REPORT_LEVELS,
    "removal_gates": REMOVAL_GATES,
    "police_report_reasons": POLICE_REPORT_REASONS,
    "frequencies": FREQUENCIES,
    "targets": TARGETS,
    "confidentialities": CONFIDENTIALITIES,
    "relations": RELATIONS,
    "gir_categories": GIR_CATEGORIES,
    "safetynet_categories": SAFETYNET_CATEGORIES,
}

ACTION_KINDS = {
    "consultation": N_("Consultation"),
    "response_sent": N_("Response sent"),
    "incident_conversation": N_("Conversation about the incident"),
    "correction": N_("Correction of false information (on the same platform)"),
    "police_report": N_("Police report"),
    "summons": N_("Written demand to stop (cease and desist)"),
    "summary_proceedings": N_("Summary proceedings"),
    "civil_claim": N_("Civil claim"),
    "sanction": N_("Sanction"),
    "contact_restriction": N_("Contact restriction"),
    "aftercare_conversation": N_("Aftercare conversation"),
    "debriefing": N_("Debriefing"),
    "work_injury_report": N_("Work injury report"),
    "offender_contact": N_("The leader talks to the offender"),
    "aftercare_offer": N_("Aftercare offered"),
    "work_environment_analysis": N_("Analysis by the working-environment group"),
}
ACTION_STATUSES = {"open": N_("Open"), "done": N_("Done"), "waived": N_("Waived")}
RESPONSE_CHANNELS = {
    "email": N_("E-mail"),
    "letter": N_("Letter"),
    "phone": N_("Phone call"),
    "meeting": N_("Meeting in person"),
    "sms": N_("Text message"),
    "same_platform": N_("On the platform of the aggression"),
}
RESTRICTION_FORMS = {
    "no_contact": N_("No contact at all"),
    "no_phone_contact": N_("No contact by phone"),
    "phone_only": N_("Contact by phone only"),
    "appointment_only": N_("Visits by appointment only"),
    "limited_hours": N_("Contact at set hours only"),
    "no_replies": N_("Messages are not answered"),
    "time_out": N_("Time-out from the cooperation"),
    "new_caseworker": N_("Another caseworker"),
    "function_mailbox": N_("Written contact through a function mailbox only"),
}
# Who files the police report under a legal pack (its handling rules).
FILED_BY = {
    "injured_employee": N_("The injured employee, helped by the leader"),
    "organisation": N_("The organisation as employer"),
}
ACTION_WARNINGS = {
    "same_channel": N_(
        "The response went through the channel of the aggression; the protocol prefers another "
        "channel (e-mail, letter or phone)."
    ),
}
RECIPIENT_KINDS = {
    "sender": N_("The sender"),
    "platform": N_("The platform or host"),
    "search_engine": N_("A search engine"),
    "provider": N_("The provider (disclose the sender)"),
    "data_protection_authority": N_("The data protection authority"),
    "court": N_("The court"),
}
TAKEDOWN_STATUSES = {
    "draft": N_("Draft"),
    "sent": N_("Sent"),
    "acknowledged": N_("Acknowledged"),
    "removed": N_("Removed"),
    "partially_removed": N_("Partially removed"),
    "refused": N_("Refused"),
    "no_response": N_("No response"),
    "escalated": N_("Escalated"),
    "withdrawn": N_("Withdrawn"),
}
# Who a refused or unanswered request escalates to (the API's escalation chain); the court is last.
TAKEDOWN_ESCALATION = {
    "sender": "platform",
    "platform": "data_protection_authority",
    "search_engine": "data_protection_authority",
    "provider": "court",
    "data_protection_authority": "court",
}
# The answers a recipient can give to a sent request.
TAKEDOWN_RESPONSES = ("acknowledged", "removed", "partially_removed", "refused", "no_response")

VOCABULARIES |= {
    "action_kinds": ACTION_KINDS,
    "action_statuses": ACTION_STATUSES,
    "response_channels": RESPONSE_CHANNELS,
    "restriction_forms": RESTRICTION_FORMS,
    "action_warnings": ACTION_WARNINGS,
    "recipient_kinds": RECIPIENT_KINDS,
    "takedown_statuses": TAKEDOWN_STATUSES,
    "takedown_escalation": TAKEDOWN_ESCALATION,
}

RECORDING_KINDS = {"audio": N_("Sound"), "photo": N_("Photos"), "video": N_("Video")}
DECISIONS = {
    "pending": N_("Not decided yet"),
    "granted": N_("Granted"),
    "refused": N_("Refused"),
    "alternative_offered": N_("Alternative offered"),
}
REFUSAL_GROUNDS = {
    "weighty_reason": N_("A weighty reason (e.g. safety, privacy of others)"),
    "portrait_right": N_("Portrait right: the employee does not consent to images"),
}
CONSENTS = {"not_asked": N_("Not asked"), "given": N_("Given"), "refused": N_("Refused")}
VIOLATION_KINDS = {
    "recording_without_permission": N_("Recorded without permission"),
    "publication": N_("Published without consent"),
    "editing": N_("Cut, pasted or edited"),
    "sharing": N_("Shared with third parties"),
}

VOCABULARIES |= {
    "recording_kinds": RECORDING_KINDS,
    "decisions": DECISIONS,
    "refusal_grounds": REFUSAL_GROUNDS,
    "consents": CONSENTS,
    "violation_kinds": VIOLATION_KINDS,
}

# Timeline events (the API's audit action names); unknown ones are shown as they are.
TIMELINE_EVENTS = {
    "incident.create": N_("Incident reported"),
    "incident.update": N_("Incident changed"),
    "incident.close": N_("Incident closed"),
    "incident.dossier_export": N_("Dossier exported"),
    "evidence.add": N_("Evidence added"),
    "evidence.upload": N_("Evidence added"),
    "evidence.duplicate_upload": N_("The same file was uploaded again"),
    "evidence.downloaded": N_("Evidence downloaded"),
    "evidence.verified": N_("Evidence verified"),
    "evidence.integrity_alert": N_("Integrity alert on evidence"),
    "action.create": N_("Action added"),
    "action.update": N_("Action changed"),
    "action.waive": N_("Action waived"),
    "action.reminder": N_("Reminder sent"),
    "takedown.create": N_("Takedown request drafted"),
    "takedown.update": N_("Takedown request changed"),
    "takedown.letter": N_("Takedown letter made"),
    "takedown.sent": N_("Takedown request sent"),
    "takedown.acknowledged": N_("Takedown request acknowledged"),
    "takedown.removed": N_("Content removed"),
    "takedown.partially_removed": N_("Content partially removed"),
    "takedown.refused": N_("Takedown refused"),
    "takedown.no_response": N_("No response to the takedown request"),
    "takedown.escalated": N_("Takedown request escalated"),
    "takedown.withdrawn": N_("Takedown request withdrawn"),
    "perpetrator.systematic_signal": N_("Repeat perpetrator signalled"),
    "perpetrator.create": N_("Perpetrator recorded"),
    "perpetrator.update": N_("Perpetrator record changed"),
    "recording_permission.violation": N_("Recording conditions broken"),
    "police_assessment.create": N_("Police decision recorded"),
    "police_assessment.update": N_("Police decision changed"),
    "civil_claim.create": N_("Civil claim recorded"),
    "civil_claim.update": N_("Civil claim changed"),
}
VOCABULARIES |= {"timeline_events": TIMELINE_EVENTS}

# Integrations (administration): API client scopes, webhook events and delivery states.
SCOPES = {
    "incidents:read": N_("Read incidents"),
    "incidents:write": N_("Report and change incidents"),
    "audit:read": N_("Read the audit log"),
    "evidence:read": N_("Read evidence"),
    "evidence:write": N_("Add evidence"),
    "recording-permissions:read": N_("Read recording permissions"),
    "recording-permissions:write": N_("Register recording permissions"),
    "actions:read": N_("Read actions"),
    "actions:write": N_("Add and change actions"),
    "takedowns:read": N_("Read takedown requests"),
    "takedowns:write": N_("Draft and change takedown requests"),
    "exports:read": N_("Export dossiers"),
    "statistics:read": N_("Read statistics"),
    "webhooks:read": N_("Read webhook subscriptions"),
    "webhooks:write": N_("Manage webhook subscriptions"),
}
EVENT_TYPES = {
    "incident.created": N_("Incident reported"),
    "incident.updated": N_("Incident changed"),
    "incident.closed": N_("Incident closed"),
    "evidence.added": N_("Evidence added"),
    "evidence.verification_failed": N_("Evidence failed verification"),
    "evidence.updated": N_("Evidence details changed"),
    "evidence.removed": N_("Evidence removed"),
    "evidence.legal_hold_set": N_("Evidence put under legal hold"),
    "evidence.legal_hold_released": N_("Legal hold of evidence released"),
    "takedown.created": N_("Takedown request drafted"),
    "takedown.status_changed": N_("Takedown request status changed"),
    "action.created": N_("Action added"),
    "action.updated": N_("Action changed"),
    "action.done": N_("Action done"),
    "action.due": N_("Action due"),
    "recording_permission.violation": N_("Recording violation registered"),
}
# What a delivery carries: a subscribed event, or a test message sent on request.
DELIVERY_EVENT_TYPES = {**EVENT_TYPES, "webhook.ping": N_("Test message")}
DELIVERY_STATUSES = {
    "pending": N_("Being retried"),
    "succeeded": N_("Delivered"),
    "failed": N_("Failed"),
}
SUBSCRIPTION_STATUSES = {"active": N_("Active"), "disabled": N_("Disabled by the receiver")}
VOCABULARIES |= {
    "scopes": SCOPES,
    "event_types": EVENT_TYPES,
    "delivery_event_types": DELIVERY_EVENT_TYPES,
    "delivery_statuses": DELIVERY_STATUSES,
    "subscription_statuses": SUBSCRIPTION_STATUSES,
}

# The audit log (language area): action names, object types and results as the API records them
# (checked against app/ in tests/web/test_language_leaks.py), and incident signals by code.
AUDIT_ACTIONS = {
    "police_assessment.create": N_("Police decision recorded"),
    "police_assessment.update": N_("Police decision changed"),
    "civil_claim.create": N_("Civil claim recorded"),
    "civil_claim.update": N_("Civil claim changed"),
    "capture.requested": N_("Web capture requested"),
    "capture.done": N_("Web page captured"),
    "capture.failed": N_("Web capture failed"),
    "witness.create": N_("Witness recorded"),
    "witness.delete": N_("Witness removed"),
    "journal_entry.create": N_("Journal note written"),
    "complaint.create": N_("Complaint recorded"),
    "complaint.update": N_("Complaint changed"),
    "complaint.decide": N_("Complaint decided"),
    "tracing_request.create": N_("Tracing of the sender requested"),
    "tracing_request.update": N_("Tracing outcome recorded"),
    "spread.create": N_("Copy or repost recorded"),
    "spread.update": N_("Copy or repost changed"),
    "spread.cover": N_("Copy added to a takedown request"),
    "recheck.create": N_("Re-check of a removed web address started"),
    "recheck.update": N_("Re-check changed"),
    "recheck.checked": N_("Removed web address checked again"),
    "preparedness.update": N_("Preparedness plan changed"),
    "action.create": N_("Action added"),
    "action.update": N_("Action changed"),
    "action.waive": N_("Action waived"),
    "action.reminder": N_("Reminder sent"),
    "action.overdue": N_("Action overdue: notice sent"),
    "api_client.create": N_("API client created"),
    "api_client.revoke": N_("API client revoked"),
    "api_client.rotate": N_("API client key renewed"),
    "api_client.secret_rotate": N_("API client secret renewed"),
    "oauth_token.create": N_("Access token issued to API client"),
    "evidence.uploaded": N_("Evidence added"),
    "evidence.viewed": N_("Evidence viewed"),
    "evidence.downloaded": N_("Evidence downloaded"),
    "evidence.exported": N_("Evidence exported"),
    "evidence.verified": N_("Evidence verified"),
    "evidence.hold_set": N_("Legal hold set"),
    "evidence.hold_released": N_("Legal hold released"),
    "evidence.removed": N_("Evidence removed"),
    "evidence.metadata_changed": N_("Evidence details changed"),
    "evidence.duplicate_upload": N_("Duplicate evidence upload"),
    "evidence.integrity_alert": N_("Evidence integrity alert"),
    "evidence.timestamped": N_("Evidence timestamped by the timestamp authority"),
    "evidence.timestamp_downloaded": N_("Timestamp token downloaded"),
    "export.gir": N_("Export to GIR"),
    "export.safetynet": N_("Export to SafetyNet"),
    "incident.create": N_("Incident reported"),
    "incident.update": N_("Incident changed"),
    "incident.close": N_("Incident closed"),
    "incident.dossier_export": N_("Dossier exported"),
    "legal_pack.replace": N_("Legal pack replaced"),
    "letter_template.replace": N_("Letter template replaced"),
    "organisation.create": N_("Organisation created"),
    "perpetrator.systematic_signal": N_("Repeat perpetrator signalled"),
    "perpetrator.create": N_("Perpetrator recorded"),
    "perpetrator.update": N_("Perpetrator record changed"),
    "recording_permission.create": N_("Recording permission registered"),
    "recording_permission.update": N_("Recording permission changed"),
    "recording_permission.decide": N_("Recording permission decided"),
    "recording_permission.receipt": N_("Recording permission receipt made"),
    "recording_permission.violation": N_("Recording violation registered"),
    "recording_rules.update": N_("Recording rules changed"),
    "session.create": N_("Login"),
    "session.delete": N_("Logout"),
    "takedown.create": N_("Takedown request drafted"),
    "takedown.update": N_("Takedown request changed"),
    "takedown.letter": N_("Takedown letter made"),
    "takedown.draft": N_("Takedown request back to draft"),
    "takedown.sent": N_("Takedown request sent"),
    "takedown.acknowledged": N_("Takedown request acknowledged"),
    "takedown.removed": N_("Content removed"),
    "takedown.partially_removed": N_("Content partially removed"),
    "takedown.refused": N_("Takedown refused"),
    "takedown.no_response": N_("No response to takedown request"),
    "takedown.escalated": N_("Takedown request escalated"),
    "takedown.withdrawn": N_("Takedown request withdrawn"),
    "user.create": N_("User created"),
    "user.update": N_("User changed"),
    "user.notification_preferences": N_("Notification settings changed"),
    "mail.retry": N_("Failed mail queued again"),
    "user.deactivate": N_("User deactivated"),
    "user.reactivate": N_("User reactivated"),
    "user.password_change": N_("Password changed"),
    "user.password_reset": N_("Password reset"),
    "webhook_subscription.create": N_("Webhook subscription created"),
    "webhook_subscription.delete": N_("Webhook subscription deleted"),
    "webhook_subscription.disable": N_("Webhook subscription disabled"),
    "webhook_subscription.ping": N_("Webhook test message sent"),
    "webhook_subscription.rotate_secret": N_("Webhook signing secret renewed"),
    "webhook_delivery.redeliver": N_("Webhook message sent again"),
}
AUDIT_OBJECT_TYPES = {
    "web_capture": N_("Web capture"),
    "witness": N_("Witness"),
    "journal_entry": N_("Journal note"),
    "complaint": N_("Complaint"),
    "spread_item": N_("Copy or repost"),
    "url_recheck": N_("Re-check of a web address"),
    "preparedness_plan": N_("Preparedness plan"),
    "tracing_request": N_("Tracing request"),
    "action": N_("Action"),
    "api_client": N_("API client"),
    "evidence": N_("Evidence"),
    "export": N_("Export"),
    "incident": N_("Incident"),
    "legal_pack": N_("Legal pack"),
    "letter_template": N_("Letter template"),
    "mail": N_("Mail"),
    "organisation": N_("Organisation"),
    "perpetrator": N_("Perpetrator"),
    "recording_permission": N_("Recording permission"),
    "recording_rules": N_("Recording rules"),
    "takedown_request": N_("Takedown request"),
    "user": N_("User"),
    "webhook_subscription": N_("Webhook subscription"),
}
AUDIT_RESULTS = {
    "success": N_("Succeeded"),
    "failure": N_("Failed"),
    "throttled": N_("Blocked (too many attempts)"),
}
AUDIT_ACTOR_KINDS = {
    "user": N_("User"),
    "apiClient": N_("API client"),
    "system": N_("System"),
    "anonymous": N_("Not logged in"),
}
SIGNALS = {
    "repeat_perpetrator": N_("Repeat perpetrator — possible stalking"),
    "prolonged_frequency": N_("Aggression over a longer period — possible stalking"),
}
VOCABULARIES |= {
    "audit_actions": AUDIT_ACTIONS,
    "audit_object_types": AUDIT_OBJECT_TYPES,
    "audit_results": AUDIT_RESULTS,
    "audit_actor_kinds": AUDIT_ACTOR_KINDS,
    "signals": SIGNALS,
}

# The police decision and civil claims (web/routes/proceedings.py).
REACHES = {
    "private": N_("Private: a message to one person"),
    "limited": N_("Limited: a closed group or a small audience"),
    "public": N_("Public: readable by anyone"),
    "wide": N_("Wide: shared on or picked up widely"),
}
IMPACTS = {"limited": N_("Limited"), "considerable": N_("Considerable"), "severe": N_("Severe")}
POLICE_DECISIONS = {
    "report": N_("File a police report"),
    "notify": N_("Inform the police without a report"),
    "no_report": N_("Do not involve the police"),
}
CLAIMANTS = {
    "organisation": N_("The organisation (its own damage, e.g. absence of the employee)"),
    "employee": N_("The employee"),
}
CLAIM_ROUTES = {
    "civil_procedure": N_("Civil procedure"),
    "criminal_proceedings": N_("Joined to the criminal case as injured party"),
}
DAMAGE_KINDS = {
    "material": N_("Material damage"),
    "immaterial": N_("Immaterial damage (fear and suffering)"),
    "both": N_("Material and immaterial damage"),
}
CURRENCIES = {"EUR": N_("Euro (EUR)"), "DKK": N_("Danish krone (DKK)")}
VOCABULARIES |= {
    "reaches": REACHES,
    "impacts": IMPACTS,
    "police_decisions": POLICE_DECISIONS,
    "claimants": CLAIMANTS,
    "claim_routes": CLAIM_ROUTES,
    "damage_kinds": DAMAGE_KINDS,
    "currencies": CURRENCIES,
}

# The incident's own records (app.casework): the complaint step and tracing an unknown sender.
COMPLAINT_OUTCOMES = {
    "resolved": N_("Resolved with the sender"),
    "not_resolved": N_("Not resolved"),
    "referred": N_("Referred to the complaints procedure"),
    "unfounded": N_("Unfounded"),
}
TRACING_CHANNELS = {
    "police": N_("The police (after the police report)"),
    "specialist": N_("A cybersecurity specialist"),
}
TRACING_OUTCOMES = {
    "pending": N_("Waiting for an answer"),
    "identified": N_("Sender identified"),
    "not_identified": N_("Sender not found"),
}
EMPLOYMENTS = {"temporary": N_("Temporary employee"), "hired": N_("Hired worker (agency or interim)")}
VOCABULARIES |= {
    "complaint_outcomes": COMPLAINT_OUTCOMES,
    "tracing_channels": TRACING_CHANNELS,
    "tracing_outcomes": TRACING_OUTCOMES,
    "employments": EMPLOYMENTS,
}

# What staff did when a citizen went on recording (web/templates/recording/detail.html).
VIOLATION_STEPS = {
    "asked_to_stop": N_("Asked to stop"),
    "summoned_to_stop": N_("Summoned to stop"),
    "asked_to_leave": N_("Asked to leave the building"),
    "summoned_to_leave": N_("Summoned to leave the building"),
    "employee_left": N_("The employee left the place (public space)"),
}
VOCABULARIES |= {"violation_steps": VIOLATION_STEPS}
