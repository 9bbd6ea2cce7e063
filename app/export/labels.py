"""Labels of the codes in exports and the dossier report, in the organisation"s language (en, nl, da).

The same words as the UI"s (web/vocabulary.py and its catalogue; tests/export checks that they
agree), kept here because app/ does not depend on the web layer.
"""

from __future__ import annotations

from app.incident.models import GirCategory, SafetynetCategory

Labels = dict[str, tuple[str, str, str]]  # code -> (English, Dutch, Danish)
LANGUAGES = ("en", "nl", "da")

BEHAVIOURS: Labels = {
    "threat": ("Threat", "Bedreiging", "Trussel"),
    "death_threat": ("Death threat", "Doodsbedreiging", "Dødstrussel"),
    "insult": ("Insult", "Belediging", "Fornærmelse"),
    "intimidation": ("Intimidation", "Intimidatie", "Intimidering"),
    "swearing": ("Swearing", "Schelden", "Bandeord"),
    "humiliation": ("Humiliation", "Vernedering", "Ydmygelse"),
    "bullying": ("Bullying", "Pesten", "Mobning"),
    "blackmail": ("Blackmail", "Chantage", "Afpresning"),
    "coercion": ("Coercion", "Dwang", "Tvang"),
    "stalking": ("Stalking", "Stalking", "Stalking"),
    "discrimination": ("Discrimination", "Discriminatie", "Diskrimination"),
    "extortion": ("Extortion", "Afpersing", "Pengeafpresning"),
    "defamation": ("Defamation", "Smaad of laster", "Ærekrænkelse"),
    "bomb_threat": ("Bomb threat", "Bommelding", "Bombetrussel"),
    "sexual_blackmail": (
        "Sexual blackmail (sextortion)",
        "Seksuele chantage (sextortion)",
        "Seksuel afpresning (sextortion)",
    ),
    "doxxing": (
        "Doxxing (publishing personal data)",
        "Doxing (persoonsgegevens publiceren)",
        "Doxxing (offentliggørelse af personoplysninger)",
    ),
    "unauthorised_recording": (
        "Recording without permission",
        "Opnemen zonder toestemming",
        "Optagelse uden tilladelse",
    ),
}
CLASSIFICATIONS: Labels = {
    "criminal": ("Criminal offence", "Strafbaar feit", "Strafbart forhold"),
    "actionable": (
        "Not criminal, but to be handled",
        "Niet strafbaar, wel aan te pakken",
        "Ikke strafbart, men skal håndteres",
    ),
    "privacy": ("Privacy breach", "Privacyschending", "Krænkelse af privatlivets fred"),
}
PLATFORMS: Labels = {
    "facebook": ("Facebook", "Facebook", "Facebook"),
    "instagram": ("Instagram", "Instagram", "Instagram"),
    "x": ("X (Twitter)", "X (Twitter)", "X (Twitter)"),
    "tiktok": ("TikTok", "TikTok", "TikTok"),
    "youtube": ("YouTube", "YouTube", "YouTube"),
    "linkedin": ("LinkedIn", "LinkedIn", "LinkedIn"),
    "whatsapp": ("WhatsApp", "WhatsApp", "WhatsApp"),
    "telegram": ("Telegram", "Telegram", "Telegram"),
    "snapchat": ("Snapchat", "Snapchat", "Snapchat"),
    "reddit": ("Reddit", "Reddit", "Reddit"),
    "forum": ("Forum", "Forum", "Forum"),
    "website": ("Website", "Website", "Websted"),
    "email": ("E-mail", "E-mail", "E-mail"),
    "sms": ("Text message", "Sms", "Sms"),
    "other": ("Other", "Overig", "Andet"),
}
LOCATION_KINDS: Labels = {
    "employee_account": (
        "The employee's own account",
        "Het eigen account van de medewerker",
        "Medarbejderens egen konto",
    ),
    "municipal_account": (
        "An account of the municipality",
        "Een account van de gemeente",
        "En af kommunens konti",
    ),
    "open_forum": ("Open forum", "Open forum", "Åbent forum"),
    "half_open_forum": ("Semi-open forum", "Halfopen forum", "Halvåbent forum"),
    "closed_forum": ("Closed forum or group", "Besloten forum of groep", "Lukket forum eller gruppe"),
    "perpetrator_account": (
        "The perpetrator's account",
        "Het account van de dader",
        "Gerningspersonens konto",
    ),
    "fake_account": ("A fake account", "Een nepaccount", "En falsk konto"),
    "email": ("E-mail", "E-mail", "E-mail"),
    "sms": ("Text message", "Sms", "Sms"),
    "other": ("Other", "Overig", "Andet"),
}
SEVERITIES: Labels = {
    "low": ("Low", "Laag", "Lav"),
    "medium": ("Medium", "Gemiddeld", "Middel"),
    "high": ("High", "Hoog", "Høj"),
    "critical": ("Critical", "Kritiek", "Kritisk"),
}
STATUSES: Labels = {
    "reported": ("Reported", "Gemeld", "Anmeldt"),
    "in_progress": ("In progress", "In behandeling", "Under behandling"),
    "monitoring": ("Monitoring", "Monitoren", "Overvågning"),
    "closed": ("Closed", "Afgesloten", "Afsluttet"),
}
CATEGORIES: Labels = {
    GirCategory.verbal_aggression.value: (
        "(Non-)verbal aggression",
        "(Non-)verbale agressie",
        "(Non-)verbal aggression",
    ),
    GirCategory.personal_threat.value: ("Personal threat", "Persoonlijke bedreiging", "Personlig trussel"),
    SafetynetCategory.minor_violence.value: (
        "Minor violence, threats and other offensive behaviour",
        "Licht geweld, bedreiging en ander grensoverschrijdend gedrag",
        "Mindre vold, trusler og anden krænkende adfærd",
    ),
    SafetynetCategory.work_injury.value: ("Work injury", "Arbeidsongeval", "Arbejdsskade"),
}
# The dossier's report (app/evidence/dossier.py) names these codes in words as well.
FREQUENCIES: Labels = {
    "once": ("Once", "Eenmalig", "Én gang"),
    "several_times": ("Several times", "Meerdere keren", "Flere gange"),
    "prolonged": (
        "Over a longer period (systematic)",
        "Over een langere periode (stelselmatig)",
        "Over en længere periode (systematisk)",
    ),
}
TARGETS: Labels = {
    "employee": ("One or more employees", "Eén of meer medewerkers", "En eller flere medarbejdere"),
    "organisation": (
        "The municipality as an organisation",
        "De gemeente als organisatie",
        "Kommunen som organisation",
    ),
}
RELATIONS: Labels = {
    "citizen": ("Citizen", "Burger", "Borger"),
    "client": ("Client of the municipality", "Klant van de gemeente", "Borger med sag i kommunen"),
    "relative_of_client": (
        "Relative of a client",
        "Familielid van een klant",
        "Pårørende til en borger med sag",
    ),
    "colleague": ("Colleague", "Collega", "Kollega"),
    "former_employee": ("Former employee", "Oud-medewerker", "Tidligere medarbejder"),
    "unknown": ("Unknown", "Onbekend", "Ukendt"),
    "other": ("Other", "Overig", "Andet"),
}
ROLES: Labels = {
    "employee": ("Employee", "Medewerker", "Medarbejder"),
    "manager": ("Manager", "Leidinggevende", "Leder"),
    "case_handler": ("Case handler", "Casebehandelaar", "Sagsbehandler"),
    "privacy_officer": ("Privacy officer", "Privacyfunctionaris", "Databeskyttelsesrådgiver"),
    "legal": ("Legal counsel", "Juridisch adviseur", "Juridisk rådgiver"),
    "admin": ("Administrator", "Beheerder", "Administrator"),
    "auditor": ("Auditor", "Auditor", "Revisor"),
}
EVIDENCE_KINDS: Labels = {
    "screenshot": ("Screenshot", "Schermafbeelding", "Skærmbillede"),
    "original_file": ("Original file", "Origineel bestand", "Originalfil"),
    "web_capture": ("Web capture", "Vastgelegde webpagina", "Gemt webside"),
    "email": ("E-mail", "E-mail", "E-mail"),
    "video": ("Video", "Video", "Video"),
    "audio": ("Audio", "Audio", "Lyd"),
    "document": ("Document", "Document", "Dokument"),
}
CUSTODY_KINDS: Labels = {
    "uploaded": ("Uploaded", "Geüpload", "Uploadet"),
    "viewed": ("Viewed", "Bekeken", "Vist"),
    "downloaded": ("Downloaded", "Gedownload", "Downloadet"),
    "exported": ("Exported in a dossier", "Geëxporteerd in een dossier", "Eksporteret i en sagsmappe"),
    "verified": ("Integrity checked", "Integriteit gecontroleerd", "Integritet kontrolleret"),
    "hold_set": ("Legal hold set", "Juridische bewaarplicht ingesteld", "Retlig tilbageholdelse sat"),
    "hold_released": (
        "Legal hold released",
        "Juridische bewaarplicht opgeheven",
        "Retlig tilbageholdelse ophævet",
    ),
    "removed": ("Removed", "Verwijderd", "Fjernet"),
    "metadata_changed": ("Details changed", "Gegevens gewijzigd", "Oplysninger ændret"),
}
ACTION_KINDS: Labels = {
    "consultation": ("Consultation", "Overleg", "Konsultation"),
    "response_sent": ("Response sent", "Reactie verstuurd", "Svar sendt"),
    "incident_conversation": ("Conversation about the incident", "Incidentgesprek", "Samtale om hændelsen"),
    "correction": (
        "Correction of false information (on the same platform)",
        "Rechtzetting van onjuiste informatie (op hetzelfde platform)",
        "Berigtigelse af forkerte oplysninger (på samme platform)",
    ),
    "police_report": ("Police report", "Aangifte", "Politianmeldelse"),
    "summons": (
        "Written demand to stop (cease and desist)",
        "Sommatie (schriftelijke eis om te stoppen)",
        "Påkrav om at ophøre (skriftligt)",
    ),
    "summary_proceedings": ("Summary proceedings", "Kort geding", "Foreløbig forholdsregel"),
    "civil_claim": ("Civil claim", "Civiele vordering", "Civilt erstatningskrav"),
    "sanction": ("Sanction", "Sanctie", "Sanktion"),
    "contact_restriction": ("Contact restriction", "Contactbeperking", "Kontaktbegrænsning"),
    "aftercare_conversation": ("Aftercare conversation", "Nazorggesprek", "Opfølgningssamtale"),
    "debriefing": ("Debriefing", "Debriefing", "Debriefing"),
    "work_injury_report": ("Work injury report", "Melding arbeidsongeval", "Anmeldelse af arbejdsskade"),
    # The Silkeborg steps (DK packs); the UI's catalogue gets the same words.
    "offender_contact": (
        "The leader talks to the offender",
        "De leidinggevende spreekt de dader aan",
        "Lederen går i dialog med krænkeren",
    ),
    "aftercare_offer": ("Aftercare offered", "Nazorg aangeboden", "Opfølgning tilbudt"),
    "work_environment_analysis": (
        "Analysis by the working-environment group",
        "Analyse door de arbeidsomstandighedengroep",
        "Arbejdsmiljøgruppens analyse",
    ),
}
ACTION_STATUSES: Labels = {
    "open": ("Open", "Open", "Åben"),
    "done": ("Done", "Gedaan", "Udført"),
    "waived": ("Waived", "Vervallen", "Fravalgt"),
}
RESPONSE_CHANNELS: Labels = {
    "email": ("E-mail", "E-mail", "E-mail"),
    "letter": ("Letter", "Brief", "Brev"),
    "phone": ("Phone call", "Telefoongesprek", "Telefonopkald"),
    "meeting": ("Meeting in person", "Persoonlijk gesprek", "Personligt møde"),
    "sms": ("Text message", "Sms", "Sms"),
    "same_platform": (
        "On the platform of the aggression",
        "Op het platform van de agressie",
        "På den platform, hvor aggressionen fandt sted",
    ),
}
RECIPIENT_KINDS: Labels = {
    "sender": ("The sender", "De afzender", "Afsenderen"),
    "platform": (
        "The platform or host",
        "Het platform of de hostingpartij",
        "Platformen eller udbyderen af hosting",
    ),
    "search_engine": ("A search engine", "Een zoekmachine", "En søgemaskine"),
    "provider": (
        "The provider (disclose the sender)",
        "De provider (gegevens afzender opvragen)",
        "Udbyderen (udlevering af afsenderens identitet)",
    ),
    "data_protection_authority": (
        "The data protection authority",
        "De toezichthouder (Autoriteit Persoonsgegevens)",
        "Datatilsynet",
    ),
    "court": ("The court", "De rechter", "Retten"),
}
TAKEDOWN_STATUSES: Labels = {
    "draft": ("Draft", "Concept", "Kladde"),
    "sent": ("Sent", "Verzonden", "Sendt"),
    "acknowledged": ("Acknowledged", "Ontvangst bevestigd", "Modtagelse bekræftet"),
    "removed": ("Removed", "Verwijderd", "Fjernet"),
    "partially_removed": ("Partially removed", "Gedeeltelijk verwijderd", "Delvist fjernet"),
    "refused": ("Refused", "Geweigerd", "Afvist"),
    "no_response": ("No response", "Geen reactie", "Intet svar"),
    "escalated": ("Escalated", "Geëscaleerd", "Eskaleret"),
    "withdrawn": ("Withdrawn", "Ingetrokken", "Trukket tilbage"),
}
VERIFICATION_RESULTS: Labels = {
    "ok": ("Intact: the hash matches", "Intact: de hash klopt", "Intakt: hashværdien passer"),
    "mismatch": (
        "Changed: the hash does not match",
        "Gewijzigd: de hash klopt niet",
        "Ændret: hashværdien passer ikke",
    ),
    "missing": ("Missing: the file is gone", "Ontbreekt: het bestand is weg", "Mangler: filen er væk"),
}
# Dossier timeline events (the audit actions on an incident and its evidence).
DOSSIER_EVENTS: Labels = {
    "evidence.uploaded": ("Evidence added", "Bewijs toegevoegd", "Bevis tilføjet"),
    "evidence.viewed": ("Evidence viewed", "Bewijsstuk bekeken", "Bevis vist"),
    "evidence.downloaded": ("Evidence downloaded", "Bewijs gedownload", "Bevis downloadet"),
    "evidence.exported": ("Evidence exported", "Bewijsstuk geëxporteerd", "Bevis eksporteret"),
    "evidence.verified": ("Evidence verified", "Bewijs gecontroleerd", "Bevis kontrolleret"),
    "evidence.hold_set": (
        "Legal hold set",
        "Juridische bewaarplicht ingesteld",
        "Retlig tilbageholdelse sat",
    ),
    "evidence.hold_released": (
        "Legal hold released",
        "Juridische bewaarplicht opgeheven",
        "Retlig tilbageholdelse ophævet",
    ),
    "evidence.removed": ("Evidence removed", "Bewijs verwijderd", "Bevis fjernet"),
    "evidence.metadata_changed": (
        "Evidence details changed",
        "Gegevens van bewijs gewijzigd",
        "Oplysninger om bevis ændret",
    ),
    "evidence.duplicate_upload": (
        "Duplicate evidence upload",
        "Dubbel bewijsstuk geüpload",
        "Dobbelt upload af bevis",
    ),
    "evidence.integrity_alert": (
        "Evidence integrity alert",
        "Waarschuwing: bewijsstuk niet integer",
        "Advarsel om bevisets integritet",
    ),
    "evidence.timestamped": (
        "Evidence timestamped by the timestamp authority",
        "Bewijs gestempeld door de tijdstempeldienst",
        "Bevis tidsstemplet af tidsstempeltjenesten",
    ),
    "incident.create": ("Incident reported", "Incident gemeld", "Hændelse indberettet"),
    "incident.update": ("Incident changed", "Incident gewijzigd", "Hændelse ændret"),
    "incident.close": ("Incident closed", "Incident afgesloten", "Hændelse afsluttet"),
    "incident.dossier_export": ("Dossier exported", "Dossier geëxporteerd", "Sagsmappe eksporteret"),
}
# The export's columns that carry codes, with the labels of their values.
COLUMN_LABELS: dict[str, Labels] = {
    "category": CATEGORIES,
    "behaviours": BEHAVIOURS,
    "classification": CLASSIFICATIONS,
    "platform": PLATFORMS,
    "locationKind": LOCATION_KINDS,
    "severity": SEVERITIES,
    "status": STATUSES,
}


def label(labels: Labels, code: str, language: str) -> str:
    """The code's label in the language (English when the language is unknown; the code itself
    when the code is unknown)."""
    entry = labels.get(code)
    if entry is None:
        return code
    return entry[LANGUAGES.index(language)] if language in LANGUAGES else entry[0]
