"""Takedown letters as PDF in three languages, from templates that admins can edit."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from tests.fixtures.handling import PLATFORM_NOTICE, make_incident


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(page.extract_text() for page in reader.pages)


def _request(client, org, body=None):
    incident = make_incident(client, org["case_handler"], behaviours=["threat", "insult"])
    response = client.post(
        f"/api/v1/incidents/{incident['id']}/takedown-requests",
        json=body or PLATFORM_NOTICE,
        headers=org["case_handler"].headers,
    )
    assert response.status_code == 201, response.text
    return incident, response.json()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", ["Melding van illegale inhoud", "Ik verklaar te goeder trouw", "Sr 285 - Bedreiging"]),
        ("da", ["Anmeldelse af ulovligt indhold", "Jeg erklærer i god tro", "Sr 285 - Trussel"]),
        ("en", ["Notice of illegal content", "bona fide belief", "Sr 285 - Threat"]),
    ],
)
def test_letter_renders_as_pdf_in_each_language(client, org, engine, language, expected):
    incident, request = _request(client, org)
    response = client.get(
        f"/api/v1/takedown-requests/{request['id']}/letter?language={language}",
        headers=org["case_handler"].headers,
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _text(response.content)
    for phrase in [*expected, incident["reference"], "https://facebook.com/posts/2", "A. Coordinator"]:
        assert phrase in text, (phrase, text)
    with Session(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "takedown.letter")).one()
        assert event.details["language"] == language


def test_letter_to_the_sender_has_no_dsa_section(client, org):
    _incident, request = _request(
        client, org, {"recipientKind": "sender", "recipientName": "J. Jansen", "urls": ["https://x.com/j/1"]}
    )
    response = client.get(
        f"/api/v1/takedown-requests/{request['id']}/letter?language=nl", headers=org["legal"].headers
    )
    text = _text(response.content)
    assert "Verzoek tot verwijdering van berichten" in text
    assert "goede trouw" not in text and "goeder trouw" not in text


def test_letter_language_must_be_known_and_request_visible(client, org, other_org):
    _incident, request = _request(client, org)
    url = f"/api/v1/takedown-requests/{request['id']}/letter"
    bad = client.get(f"{url}?language=de", headers=org["case_handler"].headers)
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["name"] == "language"
    assert client.get(url, headers=other_org["case_handler"].headers).status_code == 404
    assert client.get(url, headers=org["employee"].headers).status_code == 403


def test_admin_replaces_a_template_and_letters_use_it(client, org, engine):
    url = "/api/v1/letter-templates/en"
    current = client.get(url, headers=org["admin"].headers)
    assert current.status_code == 200, current.text
    assert "Notice of illegal content" in current.json()["body"]
    body = "<html><body><h1>Custom letter for {{ request.recipientName }}</h1>{{ incident.reference }}</body>"
    assert client.put(url, json={"body": body}, headers=org["admin"].headers).status_code == 428
    replaced = client.put(
        url, json={"body": body}, headers={**org["admin"].headers, "If-Match": current.headers["ETag"]}
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["version"] == 2
    _incident, request = _request(client, org)
    pdf = client.get(
        f"/api/v1/takedown-requests/{request['id']}/letter?language=en", headers=org["legal"].headers
    )
    assert "Custom letter for Meta Platforms Ireland" in _text(pdf.content)
    nl = client.get(
        f"/api/v1/takedown-requests/{request['id']}/letter?language=nl", headers=org["legal"].headers
    )
    assert "Melding van illegale inhoud" in _text(nl.content)
    with Session(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "letter_template.replace")).one()
        assert event.details == {"language": "en", "version": 2}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("<html><body>{% if request.recipientName %}unclosed</body></html>", "template_syntax"),
        ("<html><body>{{ request.__class__.__mro__[1].__subclasses__() }}</body></html>", "template_unsafe"),
    ],
)
def test_broken_or_unsafe_templates_are_refused(client, org, body, code):
    url = "/api/v1/letter-templates/nl"
    current = client.get(url, headers=org["admin"].headers)
    response = client.put(
        url, json={"body": body}, headers={**org["admin"].headers, "If-Match": current.headers["ETag"]}
    )
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["name"] == "body"
    assert response.json()["errors"][0]["code"] == code
    if code == "template_syntax":
        assert response.json()["errors"][0]["detail"].startswith("line 1:")
    assert client.get(url, headers=org["admin"].headers).json()["version"] == 1


def test_only_admins_read_or_replace_templates_of_their_own_organisation(client, org, other_org):
    url = "/api/v1/letter-templates/da"
    for role in ("case_handler", "legal", "employee"):
        assert client.get(url, headers=org[role].headers).status_code == 403
    body = {"body": "<html><body>Aarhus letter {{ incident.reference }}</body></html>"}
    client.put(url, json=body, headers={**other_org["admin"].headers, "If-Match": '"1"'})
    assert "Anmeldelse af ulovligt indhold" in client.get(url, headers=org["admin"].headers).json()["body"]
    assert client.get("/api/v1/letter-templates/fr", headers=org["admin"].headers).status_code == 400
