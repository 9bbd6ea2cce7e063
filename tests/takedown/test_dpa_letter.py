"""The letter to the data protection authority: in the Netherlands a request for mediation (not a
complaint, its opinion does not bind the medium), naming the refused removal request; in Denmark a
complaint to Datatilsynet. A template nobody edited follows the shipped text."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import text

from tests.fixtures.handling import PLATFORM_NOTICE, make_incident, patch
from tests.takedown.test_takedown_requests import _secure


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _dpa_request(client, member) -> str:
    """A platform request refused and escalated: the follow-up to the data protection authority."""
    incident = make_incident(client, member)
    _secure(client, {"case_handler": member}, incident, PLATFORM_NOTICE["urls"])
    created = client.post(
        f"/api/v1/incidents/{incident['id']}/takedown-requests", json=PLATFORM_NOTICE, headers=member.headers
    )
    assert created.status_code == 201, created.text
    url = f"/api/v1/takedown-requests/{created.json()['id']}"
    patch(client, url, {"status": "sent"}, member)
    patch(client, url, {"status": "refused", "response": "Not against our terms"}, member)
    return str(patch(client, url, {"status": "escalated"}, member).json()["escalatedToId"])


def _letter(client, member, request_id: str, language: str) -> str:
    response = client.get(
        f"/api/v1/takedown-requests/{request_id}/letter?language={language}", headers=member.headers
    )
    assert response.status_code == 200, response.text
    return " ".join(_text(response.content).split())


def test_dutch_letter_asks_the_authority_to_mediate(client, org, engine):
    member = org["case_handler"]
    # A template seeded before this text was corrected (version 1, never edited) still follows it.
    assert client.get("/api/v1/letter-templates/nl", headers=org["admin"].headers).status_code == 200
    with engine.begin() as connection:
        connection.execute(text("UPDATE letter_template SET body = '<p>oud</p>' WHERE language = 'nl'"))
    dpa = _dpa_request(client, member)
    dutch = _letter(client, member, dpa, "nl")
    assert "Verzoek om bemiddeling bij een verwijderingsverzoek" in dutch
    assert "Wij verzoeken u te bemiddelen" in dutch and "niet bindend" in dutch
    assert "hebben wij Meta Platforms Ireland verzocht deze gegevens te verwijderen" in dutch
    assert "dat verzoek is niet gehonoreerd" in dutch
    assert "klacht" not in dutch.lower() and "handhav" not in dutch
    english = _letter(client, member, dpa, "en")
    assert "Request for mediation" in english and "does not bind the medium" in english
    assert "complain" not in english


def test_danish_letter_is_a_complaint_to_datatilsynet(client, other_org):
    member = other_org["case_handler"]
    dpa = _dpa_request(client, member)
    danish = _letter(client, member, dpa, "da")
    assert "Klage og anmodning om tilsyn" in danish and "anmodningen blev ikke imødekommet" in danish
    english = _letter(client, member, dpa, "en")
    assert "Complaint and request for enforcement" in english and "mediat" not in english


def test_letter_to_the_sender_is_businesslike_and_refers_to_the_house_rules(client, org, other_org):
    for member, language, phrase in (
        (org["case_handler"], "nl", "onze huisregels en gedragsregels"),
        (org["case_handler"], "en", "our house rules and code of conduct"),
        (other_org["case_handler"], "da", "vores husregler og retningslinjer"),
    ):
        incident = make_incident(client, member, behaviours=["insult"])
        created = client.post(
            f"/api/v1/incidents/{incident['id']}/takedown-requests",
            json={"recipientKind": "sender", "recipientName": "J. Jansen", "urls": ["https://x.com/j/1"]},
            headers=member.headers,
        )
        assert created.status_code == 201, created.text
        letter = _letter(client, member, created.json()["id"], language)
        assert phrase in letter, letter
