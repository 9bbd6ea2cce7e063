"""The fixed texts of the dossier's report.pdf in English, Dutch and Danish."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Incident dossier", "summary": "Summary", "who": "Who", "what": "What",
        "where": "Where", "when": "When", "how": "How", "why": "Why",
        "why_text": "Relation of the perpetrator to the organisation",
        "reporter": "Reported by", "affected": "Affected employees", "perpetrator": "Perpetrator",
        "unknown": "unknown", "occurred": "Occurred", "detected": "Detected", "reported": "Reported",
        "platform": "Platform or medium", "location": "Place", "urls": "Web addresses",
        "frequency": "Frequency", "targets": "Aimed at", "severity": "Severity", "status": "Status",
        "behaviour": "Behaviour", "people": "People involved in this dossier", "name": "Name",
        "role": "Role", "part": "Part", "part_reported": "reported the incident",
        "part_captured": "captured evidence", "part_compiled": "compiled this dossier",
        "colleague": "an employee of the organisation", "api_client": "Connected system",
        "classification": "Classification", "articles": "Suggested legal articles",
        "override": "Classification set by hand", "actions": "Actions and their outcome",
        "action": "Action", "date": "Date", "outcome": "Outcome", "police_reference": "Police reference",
        "police_reported": "Report filed on", "due": "Due", "channel": "Channel",
        "takedowns": "Requests to remove content", "recipient": "Recipient", "sent": "Sent",
        "answer": "Answer", "answered": "Answered", "perpetrator_record": "Perpetrator record",
        "accounts": "Accounts", "relation": "Relation", "evidence": "Evidence",
        "file": "File", "captured": "Captured", "added": "Added by", "source": "Source",
        "hash": "SHA-256 and size", "timestamp": "Trusted timestamp (RFC 3161)",
        "server_time": "none: server time only", "custody": "Chain of custody", "bytes": "bytes",
        "capture": "Web capture",
        "capture_text": "{url} loaded by the server's headless browser; final address {final} "
        "(HTTP {status}); its archive, screenshot and metadata are items {items}.",
        "removed": "content removed", "intact": "Last integrity check",
        "failed": "FAILED VERIFICATION: the stored content no longer matches this SHA-256; "
        "it is not in this dossier",
        "timeline": "Timeline", "by": "by", "none": "none",
        "compiled": "How this dossier was compiled", "generated": "Compiled",
        "times": "All times are local times in the time zone",
        "statement": "This dossier was compiled by {name} with Weerbaar, the system in which {org} "
        "records digital aggression against its employees. Every file was hashed (SHA-256) when it "
        "was stored; every later access is recorded in its chain of custody. The files in this "
        "dossier are the stored files, unchanged. The list of hashes (SHA256SUMS) and the manifest "
        "are signed (CMS) and this report is signed (PAdES) with the certificate of {subject}.",
        "tsa": "The hashes were timestamped by a trusted third party (RFC 3161) where this report "
        "says so; other times are the server's own clock.",
        "no_tsa": "No trusted timestamp authority is configured: all times are the server's own clock.",
        "self_signed": "NOTE: the certificate is self-signed by this installation. It shows that the "
        "files were not changed after sealing, but it is not a qualified seal and does not prove "
        "who sealed them.",
        "verify": "VERIFY.txt in this dossier explains step by step how to check all of this with "
        "standard tools.",
    },
    "nl": {
        "title": "Incidentdossier", "summary": "Samenvatting", "who": "Wie", "what": "Wat",
        "where": "Waar", "when": "Wanneer", "how": "Hoe", "why": "Waarom",
        "why_text": "Relatie van de dader tot de organisatie",
        "reporter": "Gemeld door", "affected": "Betrokken medewerkers", "perpetrator": "Dader",
        "unknown": "onbekend", "occurred": "Voorgevallen", "detected": "Ontdekt", "reported": "Gemeld",
        "platform": "Platform of medium", "location": "Plaats", "urls": "Webadressen",
        "frequency": "Frequentie", "targets": "Gericht op", "severity": "Ernst", "status": "Status",
        "behaviour": "Gedrag", "people": "Betrokkenen bij dit dossier", "name": "Naam",
        "role": "Rol", "part": "Aandeel", "part_reported": "heeft het incident gemeld",
        "part_captured": "heeft bewijs vastgelegd", "part_compiled": "heeft dit dossier samengesteld",
        "colleague": "een medewerker van de organisatie", "api_client": "Gekoppeld systeem",
        "classification": "Classificatie", "articles": "Mogelijke wetsartikelen",
        "override": "Classificatie met de hand bepaald", "actions": "Acties en hun uitkomst",
        "action": "Actie", "date": "Datum", "outcome": "Uitkomst", "police_reference": "Kenmerk politie",
        "police_reported": "Aangifte gedaan op", "due": "Uiterlijk", "channel": "Kanaal",
        "takedowns": "Verzoeken om verwijdering", "recipient": "Ontvanger", "sent": "Verzonden",
        "answer": "Antwoord", "answered": "Beantwoord", "perpetrator_record": "Gegevens van de dader",
        "accounts": "Accounts", "relation": "Relatie", "evidence": "Bewijsmateriaal",
        "file": "Bestand", "captured": "Vastgelegd", "added": "Toegevoegd door", "source": "Bron",
        "hash": "SHA-256 en grootte", "timestamp": "Vertrouwd tijdstempel (RFC 3161)",
        "server_time": "geen: alleen servertijd", "custody": "Bewaarketen", "bytes": "bytes",
        "capture": "Webvastlegging",
        "capture_text": "{url} geladen door de browser van de server; uiteindelijk adres {final} "
        "(HTTP {status}); archief, schermafbeelding en metagegevens zijn de items {items}.",
        "removed": "inhoud verwijderd", "intact": "Laatste integriteitscontrole",
        "failed": "VERIFICATIE MISLUKT: de opgeslagen inhoud klopt niet meer met deze SHA-256; "
        "hij zit niet in dit dossier",
        "timeline": "Tijdlijn", "by": "door", "none": "geen",
        "compiled": "Hoe dit dossier is samengesteld", "generated": "Samengesteld",
        "times": "Alle tijden zijn lokale tijden in de tijdzone",
        "statement": "Dit dossier is samengesteld door {name} met Weerbaar, het systeem waarin {org} "
        "digitale agressie tegen medewerkers vastlegt. Elk bestand is bij opslag gehasht (SHA-256); "
        "elke latere inzage staat in de bewaarketen. De bestanden in dit dossier zijn de opgeslagen "
        "bestanden, ongewijzigd. De lijst met hashes (SHA256SUMS) en het manifest zijn ondertekend "
        "(CMS) en dit rapport is ondertekend (PAdES) met het certificaat van {subject}.",
        "tsa": "De hashes zijn van een tijdstempel voorzien door een vertrouwde derde partij (RFC 3161) "
        "waar dit rapport dat vermeldt; andere tijden komen van de klok van de server.",
        "no_tsa": "Er is geen vertrouwde tijdstempeldienst ingesteld: alle tijden komen van de klok "
        "van de server.",
        "self_signed": "LET OP: het certificaat is door deze installatie zelf ondertekend. Het toont "
        "dat de bestanden na het verzegelen niet zijn gewijzigd, maar het is geen gekwalificeerd "
        "zegel en bewijst niet wie verzegelde.",
        "verify": "VERIFY.txt in dit dossier legt stap voor stap uit hoe u dit alles met standaard "
        "gereedschap controleert.",
    },
    "da": {
        "title": "Hændelsesdossier", "summary": "Sammenfatning", "who": "Hvem", "what": "Hvad",
        "where": "Hvor", "when": "Hvornår", "how": "Hvordan", "why": "Hvorfor",
        "why_text": "Gerningspersonens forhold til organisationen",
        "reporter": "Anmeldt af", "affected": "Berørte medarbejdere", "perpetrator": "Gerningsperson",
        "unknown": "ukendt", "occurred": "Sket", "detected": "Opdaget", "reported": "Anmeldt",
        "platform": "Platform eller medie", "location": "Sted", "urls": "Webadresser",
        "frequency": "Hyppighed", "targets": "Rettet mod", "severity": "Alvor", "status": "Status",
        "behaviour": "Adfærd", "people": "Personer bag dette dossier", "name": "Navn",
        "role": "Rolle", "part": "Andel", "part_reported": "anmeldte hændelsen",
        "part_captured": "sikrede beviser", "part_compiled": "samlede dette dossier",
        "colleague": "en medarbejder i organisationen", "api_client": "Tilknyttet system",
        "classification": "Klassifikation", "articles": "Mulige lovbestemmelser",
        "override": "Klassifikation fastsat manuelt", "actions": "Handlinger og deres udfald",
        "action": "Handling", "date": "Dato", "outcome": "Udfald",
        "police_reference": "Politiets journalnummer",
        "police_reported": "Anmeldt til politiet den", "due": "Senest", "channel": "Kanal",
        "takedowns": "Anmodninger om fjernelse", "recipient": "Modtager", "sent": "Sendt",
        "answer": "Svar", "answered": "Besvaret", "perpetrator_record": "Oplysninger om gerningspersonen",
        "accounts": "Konti", "relation": "Forhold", "evidence": "Beviser",
        "file": "Fil", "captured": "Optaget", "added": "Tilføjet af", "source": "Kilde",
        "hash": "SHA-256 og størrelse", "timestamp": "Betroet tidsstempel (RFC 3161)",
        "server_time": "intet: kun serverens tid", "custody": "Kæde af opbevaring", "bytes": "byte",
        "capture": "Websikring",
        "capture_text": "{url} hentet af serverens browser; endelig adresse {final} (HTTP {status}); arkiv, "
        "skærmbillede og metadata er bevis {items}.",
        "removed": "indhold slettet", "intact": "Seneste integritetskontrol",
        "failed": "VERIFIKATION MISLYKKEDES: det gemte indhold svarer ikke længere til denne SHA-256; "
        "det er ikke med i dette dossier",
        "timeline": "Tidslinje", "by": "af", "none": "ingen",
        "compiled": "Sådan er dette dossier samlet", "generated": "Samlet",
        "times": "Alle tidspunkter er lokal tid i tidszonen",
        "statement": "Dette dossier er samlet af {name} med Weerbaar, systemet hvor {org} registrerer "
        "digital aggression mod sine medarbejdere. Hver fil fik en hashværdi (SHA-256), da den blev "
        "gemt; al senere adgang står i kæden af opbevaring. Filerne i dette dossier er de gemte filer, "
        "uændrede. Listen over hashværdier (SHA256SUMS) og manifestet er signeret (CMS), og denne "
        "rapport er signeret (PAdES) med certifikatet for {subject}.",
        "tsa": "Hashværdierne har fået et tidsstempel fra en betroet tredjepart (RFC 3161), hvor "
        "rapporten siger det; andre tidspunkter er serverens eget ur.",
        "no_tsa": "Der er ikke opsat en betroet tidsstempeltjeneste: alle tidspunkter er serverens eget ur.",
        "self_signed": "BEMÆRK: certifikatet er underskrevet af installationen selv. Det viser, at "
        "filerne ikke er ændret efter forseglingen, men det er ikke et kvalificeret segl og beviser "
        "ikke, hvem der forseglede.",
        "verify": "VERIFY.txt i dette dossier forklarer trin for trin, hvordan alt dette kontrolleres "
        "med standardværktøjer.",
    },
}  # fmt: skip
