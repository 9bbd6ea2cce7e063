"""Citizen-facing texts in Dutch, Danish and English: the default house rules and the receipt.

The rules follow the protocols' "spelregels voor het maken van beeld- en geluidsopnamen"; they name
no article of law, so that they fit Dutch and Danish municipalities alike.
"""

from __future__ import annotations

from app.organisation.models import Locale

DEFAULT_RULES: dict[Locale, tuple[str, str]] = {
    Locale.nl: (
        "Spelregels voor beeld- en geluidsopnamen",
        """Wilt u een gesprek met een medewerker van de gemeente opnemen? Dat kan, onder voorwaarden. \
Deze spelregels horen bij onze huisregels.

## Geluidsopnamen
- U mag een gesprek opnemen, tenzij er zwaarwegende redenen zijn om dat niet te doen. In dat geval \
bieden wij u een alternatief aan.
- Maak vooraf duidelijk dat u het gesprek wilt opnemen.
- U geeft de gemeente een kopie van de opname als zij daarom vraagt, en andersom.
- U en de gemeente knippen en plakken niet in de opname, tenzij dat wordt gemeld.
- U en de gemeente geven de opname niet aan anderen en maken haar niet openbaar zonder toestemming \
van de ander.

## Foto's en video's
- Buiten de openbare ruimte maakt u geen foto's of video's van individuele medewerkers zonder hun \
voorafgaande toestemming.
- Vraag vooraf, mondeling of schriftelijk, om toestemming.
- Een medewerker mag weigeren op grond van het portretrecht.
- Een toegestane opname maakt u zelf.
- Wij leggen de beslissing op uw verzoek vast. U ontvangt daarvan een bewijs.
- Voor een toegestane opname gelden dezelfde voorwaarden: niet knippen of plakken, niet aan anderen \
geven en niet openbaar maken zonder toestemming.
- Wie buiten de openbare ruimte onaangekondigd beeldopnamen maakt, kan strafbaar zijn.

## Als de afspraken niet worden nagekomen
- Maakt u zonder toestemming opnamen, dan vragen wij u daarmee te stoppen en sommeren wij dat zo \
nodig. Stopt u niet, dan vragen wij u het gebouw of de bijeenkomst te verlaten.
- Worden in de openbare ruimte opnamen gemaakt en stopt u niet, dan verlaat de medewerker de plek.
- Een opname die zonder toestemming wordt gemaakt of openbaar gemaakt, registreren wij als incident. \
Wij spreken u daarop aan, vragen om verwijdering, kunnen aangifte doen (bijvoorbeeld van smaad of \
laster) en kunnen de schade op u verhalen.""",
    ),
    Locale.da: (
        "Regler for lyd- og billedoptagelser",
        """Vil du optage en samtale med en af kommunens medarbejdere? Det kan du på visse betingelser. \
Reglerne er en del af vores husorden.

## Lydoptagelser
- Du må optage en samtale, medmindre der er tungtvejende grunde til at lade være. I så fald tilbyder \
vi dig et alternativ.
- Sig på forhånd, at du vil optage samtalen.
- Du giver kommunen en kopi af optagelsen, hvis kommunen beder om det, og omvendt.
- Hverken du eller kommunen klipper i eller sætter optagelsen sammen, medmindre det oplyses.
- Hverken du eller kommunen giver optagelsen videre til andre eller offentliggør den uden den andens \
samtykke.

## Fotos og video
- Uden for det offentlige rum må du ikke fotografere eller filme enkelte medarbejdere uden deres \
forudgående samtykke.
- Spørg om samtykke på forhånd, mundtligt eller skriftligt.
- En medarbejder kan sige nej med henvisning til retten til eget billede.
- En tilladt optagelse laver du selv.
- Vi registrerer afgørelsen på din anmodning. Du får en kvittering.
- For en tilladt optagelse gælder de samme betingelser: ingen klipning, ingen videregivelse og ingen \
offentliggørelse uden samtykke.
- Det kan være strafbart at optage billeder uanmeldt uden for det offentlige rum.

## Hvis reglerne ikke overholdes
- Optager du uden tilladelse, beder vi dig stoppe og kræver det om nødvendigt. Stopper du ikke, beder \
vi dig forlade bygningen eller mødet.
- Bliver der optaget i det offentlige rum, og stopper du ikke, forlader medarbejderen stedet.
- En optagelse, der er lavet eller offentliggjort uden tilladelse, registrerer vi som en hændelse. Vi \
reagerer over for dig, beder om at få den fjernet, kan anmelde det til politiet (for eksempel som \
ærekrænkelse) og kan kræve erstatning.""",
    ),
    Locale.en: (
        "Rules on audio and image recordings",
        """Would you like to record a conversation with a member of the municipality's staff? You may, on \
conditions. These rules are part of our house rules.

## Audio recordings
- You may record a conversation unless there are weighty reasons not to. In that case we offer you an \
alternative.
- Say beforehand that you want to record the conversation.
- You give the municipality a copy of the recording if it asks for one, and vice versa.
- Neither you nor the municipality cuts or pastes in the recording, unless this is disclosed.
- Neither you nor the municipality gives the recording to others or publishes it without the other's \
consent.

## Photos and video
- Outside public space you do not photograph or film individual employees without their prior \
consent.
- Ask for consent beforehand, orally or in writing.
- An employee may refuse on the basis of portrait right.
- A permitted recording is made by you yourself.
- We record the decision on your request. You receive a receipt.
- A permitted recording is subject to the same conditions: no cutting or pasting, no sharing with \
others and no publication without consent.
- Making unannounced images outside public space may be a criminal offence.

## If the rules are broken
- If you record without permission, we ask you to stop and, where needed, summon you to stop. If you \
do not stop, we ask you to leave the building or the meeting.
- If recordings are made in public space and you do not stop, the employee leaves the location.
- A recording made or published without permission is registered as an incident. We respond to you, \
ask for it to be removed, may report it to the police (for example as defamation) and may claim the \
damage from you.""",
    ),
}

RECEIPT: dict[Locale, dict[str, str]] = {
    Locale.nl: {
        "title": "Bewijs van beslissing op uw verzoek om een opname",
        "intro": "U heeft gevraagd een gesprek met medewerkers van {organisation} op te nemen. "
        "Dit is de beslissing op uw verzoek.",
        "reference": "Kenmerk",
        "requester": "Verzoeker",
        "conversation": "Gesprek",
        "place": "Plaats",
        "public_space": "Openbare ruimte",
        "kinds": "Gevraagde opname",
        "decision": "Beslissing",
        "reason": "Reden",
        "alternative": "Aangeboden alternatief",
        "decided_at": "Beslist op",
        "conditions_accepted": "Voorwaarden aanvaard",
        "yes": "ja",
        "no": "nee",
        "audio": "geluid",
        "photo": "foto",
        "video": "video",
        "granted": "Toegestaan",
        "refused": "Geweigerd",
        "alternative_offered": "Alternatief aangeboden",
        "weighty_reason": "zwaarwegende reden",
        "portrait_right": "een medewerker weigert op grond van het portretrecht",
        "conditions_title": "Voorwaarden",
        "conditions_intro": "Voor een opname die u maakt gelden deze voorwaarden:",
        "no_recording": "U mag van dit gesprek geen opname maken.",
        "broken_title": "Als de voorwaarden niet worden nagekomen",
        "footer": "Bewaar dit bewijs. De spelregels voor opnamen staan ook op onze website.",
    },
    Locale.da: {
        "title": "Kvittering for afgørelse på din anmodning om optagelse",
        "intro": "Du har bedt om at optage en samtale med medarbejdere i {organisation}. "
        "Her er afgørelsen på din anmodning.",
        "reference": "Reference",
        "requester": "Anmoder",
        "conversation": "Samtale",
        "place": "Sted",
        "public_space": "Offentligt rum",
        "kinds": "Ønsket optagelse",
        "decision": "Afgørelse",
        "reason": "Begrundelse",
        "alternative": "Tilbudt alternativ",
        "decided_at": "Afgjort",
        "conditions_accepted": "Betingelser accepteret",
        "yes": "ja",
        "no": "nej",
        "audio": "lyd",
        "photo": "foto",
        "video": "video",
        "granted": "Tilladt",
        "refused": "Afslået",
        "alternative_offered": "Alternativ tilbudt",
        "weighty_reason": "tungtvejende grund",
        "portrait_right": "en medarbejder siger nej med henvisning til retten til eget billede",
        "conditions_title": "Betingelser",
        "conditions_intro": "For en optagelse, du laver, gælder disse betingelser:",
        "no_recording": "Du må ikke optage denne samtale.",
        "broken_title": "Hvis betingelserne ikke overholdes",
        "footer": "Gem denne kvittering. Reglerne for optagelser står også på vores hjemmeside.",
    },
    Locale.en: {
        "title": "Receipt of the decision on your request to record",
        "intro": "You asked to record a conversation with staff of {organisation}. "
        "This is the decision on your request.",
        "reference": "Reference",
        "requester": "Requester",
        "conversation": "Conversation",
        "place": "Place",
        "public_space": "Public space",
        "kinds": "Recording requested",
        "decision": "Decision",
        "reason": "Reason",
        "alternative": "Alternative offered",
        "decided_at": "Decided on",
        "conditions_accepted": "Conditions accepted",
        "yes": "yes",
        "no": "no",
        "audio": "audio",
        "photo": "photo",
        "video": "video",
        "granted": "Granted",
        "refused": "Refused",
        "alternative_offered": "Alternative offered",
        "weighty_reason": "weighty reason",
        "portrait_right": "an employee refuses on the basis of portrait right",
        "conditions_title": "Conditions",
        "conditions_intro": "A recording you make is subject to these conditions:",
        "no_recording": "You may not record this conversation.",
        "broken_title": "If the conditions are broken",
        "footer": "Keep this receipt. The rules on recordings are also published on our website.",
    },
}

CONDITIONS: dict[Locale, list[str]] = {
    Locale.nl: [
        "Niet knippen of plakken in de opname, tenzij u dat meldt.",
        "De opname niet aan derden verstrekken.",
        "De opname niet openbaar maken (bijvoorbeeld op internet of sociale media) zonder toestemming "
        "van de gemeente en de betrokken medewerkers.",
        "Op verzoek wisselen u en de gemeente een kopie van de opname uit.",
    ],
    Locale.da: [
        "Der må ikke klippes i eller sættes sammen i optagelsen, medmindre du oplyser det.",
        "Optagelsen må ikke gives videre til tredjemand.",
        "Optagelsen må ikke offentliggøres (for eksempel på internettet eller sociale medier) uden "
        "samtykke fra kommunen og de berørte medarbejdere.",
        "På anmodning udveksler du og kommunen en kopi af optagelsen.",
    ],
    Locale.en: [
        "No cutting or pasting in the recording, unless you disclose it.",
        "No sharing of the recording with third parties.",
        "No publication of the recording (for example online or on social media) without the consent "
        "of the municipality and the employees concerned.",
        "On request, you and the municipality exchange a copy of the recording.",
    ],
}

CONSEQUENCES: dict[Locale, list[str]] = {
    Locale.nl: [
        "Wij vragen u te stoppen met opnemen en sommeren u zo nodig. Stopt u niet, dan vragen wij u "
        "het gebouw of de bijeenkomst te verlaten.",
        "Een opname die in strijd met de voorwaarden wordt gemaakt, bewerkt, verstrekt of openbaar "
        "gemaakt, registreren wij als incident en wij spreken u daarop aan.",
        "Wij vragen u en het platform de opname te verwijderen, kunnen aangifte doen (bijvoorbeeld van "
        "smaad of laster) en kunnen de schade op u verhalen.",
    ],
    Locale.da: [
        "Vi beder dig stoppe optagelsen og kræver det om nødvendigt. Stopper du ikke, beder vi dig "
        "forlade bygningen eller mødet.",
        "En optagelse, der laves, redigeres, videregives eller offentliggøres i strid med "
        "betingelserne, registrerer vi som en hændelse, og vi reagerer over for dig.",
        "Vi beder dig og platformen fjerne optagelsen, kan anmelde det til politiet (for eksempel som "
        "ærekrænkelse) og kan kræve erstatning.",
    ],
    Locale.en: [
        "We ask you to stop recording and, where needed, summon you to stop. If you do not stop, we "
        "ask you to leave the building or the meeting.",
        "A recording made, edited, shared or published in breach of the conditions is registered as "
        "an incident, and we respond to you.",
        "We ask you and the platform to remove the recording, may report it to the police (for example "
        "as defamation) and may claim the damage from you.",
    ],
}
