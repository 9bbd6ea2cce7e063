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
    "actionable": N_("Actionable (civil or employment law)"),
    "privacy": N_("Privacy breach"),
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
PUNISHABLE = {
    "yes": N_("Punishable"),
    "under_circumstances": N_("Punishable under circumstances"),
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
    "punishable": PUNISHABLE,
}

ACTION_KINDS = {
    "consultation": N_("Consultation"),
    "response_sent": N_("Response sent"),
    "incident_conversation": N_("Conversation about the incident"),
    "correction": N_("Correction of the perpetrator"),
    "police_report": N_("Police report"),
    "summons": N_("Summons"),
    "summary_proceedings": N_("Summary proceedings"),
    "civil_claim": N_("Civil claim"),
    "sanction": N_("Sanction"),
    "contact_restriction": N_("Contact restriction"),
    "aftercare_conversation": N_("Aftercare conversation"),
    "debriefing": N_("Debriefing"),
    "work_injury_report": N_("Work injury report"),
}
ACTION_STATUSES = {"open": N_("Open"), "done": N_("Done"), "waived": N_("Waived")}
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
# The answers a recipient can give to a sent request.
TAKEDOWN_RESPONSES = ("acknowledged", "removed", "partially_removed", "refused", "no_response")

VOCABULARIES |= {
    "action_kinds": ACTION_KINDS,
    "action_statuses": ACTION_STATUSES,
    "recipient_kinds": RECIPIENT_KINDS,
    "takedown_statuses": TAKEDOWN_STATUSES,
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

VOCABULARIES |= {
    "recording_kinds": RECORDING_KINDS,
    "decisions": DECISIONS,
    "refusal_grounds": REFUSAL_GROUNDS,
    "consents": CONSENTS,
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
    "recording_permission.violation": N_("Recording conditions broken"),
}
VOCABULARIES |= {"timeline_events": TIMELINE_EVENTS}
