"""Labels of the export codes in the organisation"s language (en, nl, da).

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
