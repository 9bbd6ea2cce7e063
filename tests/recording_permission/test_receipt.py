"""The receipt for the citizen, in Dutch, Danish and English."""

from __future__ import annotations

import time
import uuid

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.organisation.models import Locale, Organisation
from app.recording_permission.models import RecordingPermission
from app.recording_permission.receipt import receipt_html
from tests.recording_permission.bodies import permission_body

URL = "/api/v1/recording-permissions"


def _row(engine, ident: str) -> tuple[RecordingPermission, Organisation]:
    with Session(engine) as session:
        permission = session.get(RecordingPermission, uuid.UUID(ident))
        assert permission is not None
        organisation = session.get(Organisation, permission.organisation_id)
        assert organisation is not None
        return permission, organisation


@pytest.mark.parametrize(
    ("language", "phrases"),
    [
        ("nl", ["Toegestaan", "Niet knippen of plakken", "niet aan derden", "kopie", "incident"]),
        ("da", ["Tilladt", "klippes", "tredjemand", "kopi", "hændelse"]),
        ("en", ["Granted", "No cutting or pasting", "third parties", "copy", "incident"]),
    ],
)
def test_receipt_pdf_in_each_language(client, org, engine, language, phrases):
    created = client.post(URL, json=permission_body(), headers=org["employee"].headers).json()
    started = time.perf_counter()
    response = client.get(
        f"{URL}/{created['id']}/receipt?language={language}", headers=org["employee"].headers
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["Content-Language"] == language
    assert response.headers["Cache-Control"] == "no-store"
    assert f"-{language}.pdf" in response.headers["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")
    assert elapsed < 10
    permission, organisation = _row(engine, created["id"])
    html = receipt_html(permission, organisation, Locale(language))
    assert f'<html lang="{language}">' in html
    for phrase in phrases:
        assert phrase in html, phrase
    assert "Anna de Vries" not in html, "the receipt names no employee"
    with Session(engine) as session:
        actions = session.exec(select(AuditEvent.action).where(AuditEvent.object_id == created["id"])).all()
    assert "recording_permission.receipt" in actions


def test_receipt_of_refusal_says_no_recording_and_escapes_text(client, org, engine):
    created = client.post(
        URL,
        json=permission_body(
            requester={"name": "<script>alert(1)</script>"},
            decision="refused",
            refusalGround="weighty_reason",
            reason="Earlier threats & <b>abuse</b>.",
            alternative="Written report.",
            conditionsAccepted=False,
        ),
        headers=org["employee"].headers,
    ).json()
    permission, organisation = _row(engine, created["id"])
    html = receipt_html(permission, organisation, Locale.en)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;abuse&lt;/b&gt;" in html
    assert "You may not record this conversation." in html
    assert "Written report." in html
    assert "No cutting or pasting" not in html


def test_receipt_defaults_to_the_organisation_language(client, other_org):
    created = client.post(URL, json=permission_body(), headers=other_org["admin"].headers).json()
    response = client.get(f"{URL}/{created['id']}/receipt", headers=other_org["admin"].headers)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "da"


def test_receipt_needs_a_decision_and_a_known_language(client, org):
    pending = client.post(
        URL, json=permission_body(decision="pending"), headers=org["employee"].headers
    ).json()
    response = client.get(f"{URL}/{pending['id']}/receipt", headers=org["employee"].headers)
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    granted = client.post(URL, json=permission_body(), headers=org["employee"].headers).json()
    unknown = client.get(f"{URL}/{granted['id']}/receipt?language=fr", headers=org["employee"].headers)
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["name"] == "language"
