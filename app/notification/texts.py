"""Mail texts in Dutch, Danish and English. They say only that something needs the reader, the
kind in general words and a link: a municipal baseline forbids incident content in e-mail."""

from __future__ import annotations

from app.notification.models import NotificationKind as K
from app.organisation.models import Locale

# kind -> locale -> (short title for the subject and the digest, the sentence of the mail)
KINDS: dict[K, dict[Locale, tuple[str, str]]] = {
    K.incident_assigned: {
        Locale.nl: ("incident aan u toegewezen", "Er is een incident aan u toegewezen."),
        Locale.da: ("hændelse tildelt dig", "En hændelse er blevet tildelt dig."),
        Locale.en: ("incident assigned to you", "An incident has been assigned to you."),
    },
    K.incident_new_in_queue: {
        Locale.nl: ("nieuw incident in de wachtrij", "Er staat een nieuw incident in de wachtrij."),
        Locale.da: ("ny hændelse i køen", "En ny hændelse venter i køen."),
        Locale.en: ("new incident in the queue", "A new incident is waiting in the queue."),
    },
    K.report_registered_manager: {
        Locale.nl: (
            "melding over uw medewerker",
            "Er is een incident gemeld waarbij een van uw medewerkers betrokken is.",
        ),
        Locale.da: (
            "indberetning om din medarbejder",
            "Der er indberettet en hændelse, som involverer en af dine medarbejdere.",
        ),
        Locale.en: (
            "report about your employee",
            "An incident involving one of your employees has been reported.",
        ),
    },
    K.report_registered_affected: {
        Locale.nl: (
            "er is een melding gedaan",
            "Er is een incident gemeld waarin u wordt genoemd. U hoeft nu niets te doen: de "
            "coördinator neemt contact met u op.",
        ),
        Locale.da: (
            "der er foretaget en indberetning",
            "Der er indberettet en hændelse, hvor du er nævnt. Du behøver ikke gøre noget nu: "
            "koordinatoren kontakter dig.",
        ),
        Locale.en: (
            "a report has been made",
            "An incident in which you are named has been reported. You need not do anything now: "
            "the coordinator will contact you.",
        ),
    },
    K.action_due: {
        Locale.nl: ("afhandelstap verloopt binnenkort", "Een afhandelstap verloopt binnenkort."),
        Locale.da: ("sagsskridt har snart frist", "Et sagsskridt har snart frist."),
        Locale.en: ("handling step due soon", "A handling step is due soon."),
    },
    K.action_overdue: {
        Locale.nl: ("afhandelstap over de termijn", "Een afhandelstap is over de termijn."),
        Locale.da: ("sagsskridt over fristen", "Et sagsskridt har overskredet sin frist."),
        Locale.en: ("handling step overdue", "A handling step is past its due date."),
    },
    K.police_report_deadline: {
        Locale.nl: ("termijn voor aangifte", "De termijn voor het doen van aangifte loopt bijna af."),
        Locale.da: ("frist for politianmeldelse", "Fristen for at anmelde til politiet nærmer sig."),
        Locale.en: ("police report deadline", "The deadline for reporting to the police is near."),
    },
    K.url_back_online: {
        Locale.nl: (
            "verwijderd bericht weer online",
            "Een verwijderd bericht is bij een hercontrole weer bereikbaar gebleken.",
        ),
        Locale.da: (
            "fjernet opslag online igen",
            "Et fjernet opslag var tilgængeligt igen ved en genkontrol.",
        ),
        Locale.en: ("removed post back online", "A removed post was reachable again at a re-check."),
    },
    K.takedown_overdue: {
        Locale.nl: (
            "verwijderverzoek niet beantwoord",
            "Een verzoek tot verwijdering is niet binnen de termijn beantwoord.",
        ),
        Locale.da: (
            "anmodning om fjernelse ubesvaret",
            "En anmodning om fjernelse er ikke besvaret inden fristen.",
        ),
        Locale.en: ("removal request unanswered", "A removal request was not answered by its due date."),
    },
    K.repeat_perpetrator: {
        Locale.nl: (
            "herhaalde dader (mogelijk stalking)",
            "Dezelfde dader komt in meerdere incidenten voor (mogelijk stalking).",
        ),
        Locale.da: (
            "gentagen gerningsperson (mulig forfølgelse)",
            "Den samme gerningsperson optræder i flere hændelser (mulig forfølgelse).",
        ),
        Locale.en: (
            "repeat perpetrator (possible stalking)",
            "The same perpetrator appears in several incidents (possible stalking).",
        ),
    },
    K.evidence_integrity_alert: {
        Locale.nl: (
            "integriteitscontrole bewijs mislukt",
            "Een opgeslagen bewijsstuk heeft de integriteitscontrole niet doorstaan.",
        ),
        Locale.da: (
            "integritetskontrol af bevis fejlede",
            "Et gemt bevis bestod ikke integritetskontrollen.",
        ),
        Locale.en: ("evidence integrity alert", "A stored piece of evidence failed its integrity check."),
    },
    K.webhook_disabled: {
        Locale.nl: ("koppeling uitgeschakeld", "Een webhookabonnement van een koppeling is uitgeschakeld."),
        Locale.da: ("integration deaktiveret", "Et webhook-abonnement for en integration er deaktiveret."),
        Locale.en: ("integration disabled", "A webhook subscription of an integration has been disabled."),
    },
    K.privacy_concerned: {
        Locale.nl: (
            "privacygevoelige gegevens van een medewerker online",
            "Bij een incident staan privacygevoelige gegevens van een medewerker online: uw oordeel "
            "is nodig over een verzoek aan het medium om ze te verwijderen.",
        ),
        Locale.da: (
            "en medarbejders personoplysninger online",
            "Ved en hændelse er en medarbejders personoplysninger offentliggjort online: din vurdering "
            "er nødvendig af en anmodning til mediet om at fjerne dem.",
        ),
        Locale.en: (
            "an employee's personal data online",
            "An incident puts an employee's personal data online: your judgement is needed on asking "
            "the medium to remove them.",
        ),
    },
    K.recording_violation: {
        Locale.nl: (
            "opname in strijd met de afspraken",
            "Er is een opname geregistreerd die in strijd met de afspraken is gemaakt.",
        ),
        Locale.da: (
            "optagelse i strid med aftalen",
            "Der er registreret en optagelse, som er foretaget i strid med de aftalte betingelser.",
        ),
        Locale.en: (
            "recording against the conditions",
            "A recording made against the agreed conditions has been registered.",
        ),
    },
}

GREETING = {Locale.nl: "Beste {name},", Locale.da: "Kære {name}", Locale.en: "Dear {name},"}
OPEN = {
    Locale.nl: "Bekijk het in Weerbaar:",
    Locale.da: "Se det i Weerbaar:",
    Locale.en: "See it in Weerbaar:",
}
HELP_LINK = {
    Locale.nl: "Wilt u met iemand praten? Hier vindt u hulp en steun:",
    Locale.da: "Vil du tale med nogen? Her finder du hjælp og støtte:",
    Locale.en: "Would you like to talk to someone? Here you find help and support:",
}
HELP_PLAIN = {
    Locale.nl: "Wilt u met iemand praten? Neem dan contact op met uw leidinggevende of de "
    "vertrouwenspersoon.",
    Locale.da: "Vil du tale med nogen? Kontakt din leder eller arbejdsmiljørepræsentanten.",
    Locale.en: "Would you like to talk to someone? Contact your manager or the confidential adviser.",
}
FOOTER = {
    Locale.nl: "Deze e-mail bevat bewust geen gegevens over het incident. Welke e-mails u krijgt, "
    "stelt u in bij uw meldingen in Weerbaar.",
    Locale.da: "Denne e-mail indeholder med vilje ingen oplysninger om hændelsen. Du vælger selv, "
    "hvilke e-mails du får, under dine notifikationer i Weerbaar.",
    Locale.en: "This e-mail deliberately contains no details of the incident. You choose which "
    "e-mails you get under your notifications in Weerbaar.",
}
DIGEST_SUBJECT = {
    Locale.nl: "Weerbaar: dagoverzicht van uw meldingen",
    Locale.da: "Weerbaar: dagligt overblik over dine notifikationer",
    Locale.en: "Weerbaar: daily overview of your notifications",
}
DIGEST_INTRO = {
    Locale.nl: "Sinds het vorige overzicht zijn er nieuwe meldingen voor u:",
    Locale.da: "Siden sidste overblik er der nye notifikationer til dig:",
    Locale.en: "Since the last overview there are new notifications for you:",
}
DIGEST_OPEN = {
    Locale.nl: "Bekijk ze in Weerbaar:",
    Locale.da: "Se dem i Weerbaar:",
    Locale.en: "See them in Weerbaar:",
}


def locale_of(value: str | None, fallback: str | None) -> Locale:
    """The recipient's language: their own choice, else the organisation's, else Dutch."""
    for candidate in (value, fallback):
        if candidate is not None and candidate in Locale.__members__:
            return Locale(candidate)
    return Locale.nl


def notice_mail(
    kind: K, locale: Locale, *, name: str, link: str, help_url: str | None = None
) -> tuple[str, str]:
    """The subject and plain-text body of the mail for one notice."""
    title, sentence = KINDS[kind][locale]
    lines = [GREETING[locale].format(name=name), "", sentence, "", OPEN[locale], link, ""]
    if kind is K.report_registered_affected:
        lines += [HELP_LINK[locale], help_url, ""] if help_url else [HELP_PLAIN[locale], ""]
    lines.append(FOOTER[locale])
    return f"Weerbaar: {title}", "\n".join(lines) + "\n"


def digest_mail(counts: dict[K, int], locale: Locale, *, name: str, link: str) -> tuple[str, str]:
    """The subject and body of the daily digest: a count per kind and a link to the inbox."""
    lines = [GREETING[locale].format(name=name), "", DIGEST_INTRO[locale], ""]
    lines += [f"- {KINDS[kind][locale][0]}: {count}" for kind, count in counts.items()]
    lines += ["", DIGEST_OPEN[locale], link, "", FOOTER[locale]]
    return DIGEST_SUBJECT[locale], "\n".join(lines) + "\n"
