"""Accounts under probing: another organisation's addresses stay hidden; padded passwords are refused."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from api.main import create_app
from app.config import Settings
from app.organisation import service as organisations
from app.organisation.models import User
from tests.fixtures.factories import PASSWORD, add_member, make_tenant
from tests.web.helpers import csrf_of
from web.forms import FIELD_MESSAGES
from web.main import create_web

OTHER_PASSWORD = "a quite different passphrase"


def _codes(response) -> dict[str, str]:
    return {e["name"]: e["code"] for e in response.json().get("errors", [])}


def _login(client, email: str, password: str, organisation: str | None = None):
    body = {"email": email, "password": password} | ({"organisation": organisation} if organisation else {})
    return client.post("/api/v1/sessions", json=body)


def _user_count(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(User)).one()


def test_an_address_of_another_organisation_is_not_revealed_and_both_accounts_log_in(
    client, org, other_org, engine
):
    url = "/api/v1/users"
    headers = org["admin"].headers
    foreign = other_org["case_handler"].email  # registered in Aarhus
    fresh = client.post(
        url,
        json={"email": "nobody@elsewhere.example", "password": OTHER_PASSWORD, "roles": ["employee"]},
        headers=headers,
    )
    taken_elsewhere = client.post(
        url,
        json={"email": f"  {foreign.upper()} ", "password": OTHER_PASSWORD, "roles": ["employee"]},
        headers=headers,
    )
    # The same answer as for an address nobody has: nothing tells Utrecht's admin about Aarhus.
    assert fresh.status_code == taken_elsewhere.status_code == 201, taken_elsewhere.text
    assert set(fresh.json()) == set(taken_elsewhere.json())
    assert taken_elsewhere.json()["email"] == foreign
    # Within one organisation an address is still unique (the admin can see that user anyway).
    again = client.post(
        url, json={"email": foreign, "password": OTHER_PASSWORD, "roles": ["employee"]}, headers=headers
    )
    assert again.status_code == 409 and _codes(again) == {"email": "email_unavailable"}
    assert again.headers["content-type"] == "application/problem+json"

    # Each password opens its own organisation's account; a wrong one opens nothing.
    utrecht = _login(client, foreign, OTHER_PASSWORD)
    aarhus = _login(client, foreign, PASSWORD)
    assert utrecht.status_code == aarhus.status_code == 201
    assert utrecht.json()["user"]["organisationId"] == str(org.organisation_id)
    assert aarhus.json()["user"]["organisationId"] == str(other_org.organisation_id)
    wrong = _login(client, foreign, "not the password at all")
    unknown = _login(client, "nobody-at-all@nowhere.example", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]
    # Naming the organisation limits the login to it.
    assert _login(client, foreign, PASSWORD, organisation="utrecht").status_code == 401
    assert _login(client, foreign, PASSWORD, organisation="aarhus").status_code == 201


def test_one_password_for_accounts_in_two_organisations_asks_which_one(client, org, other_org):
    foreign = other_org["admin"].email
    created = client.post(
        "/api/v1/users",
        json={"email": foreign, "password": PASSWORD, "roles": ["employee"]},
        headers=org["admin"].headers,
    )
    assert created.status_code == 201, created.text
    ambiguous = _login(client, foreign, PASSWORD)
    assert ambiguous.status_code == 409
    assert ambiguous.headers["content-type"] == "application/problem+json"
    assert ambiguous.json()["type"].endswith("organisation-required")
    assert _codes(ambiguous) == {"organisation": "organisation_required"}
    chosen = _login(client, foreign, PASSWORD, organisation="Utrecht")
    assert chosen.status_code == 201 and chosen.json()["user"]["organisationId"] == str(org.organisation_id)
    assert _login(client, foreign, PASSWORD, organisation="nowhere").status_code == 401


PADDED = [
    (" " * 12, "password_blank"),
    ("\t\n" * 6, "password_blank"),
    ("\u00a0" * 12, "password_blank"),  # no-break spaces
    ("\u200b" * 12, "password_blank"),  # zero-width spaces
    ("abc" + " " * 9, "password_padded"),
    (" " * 6 + "abcdef", "password_padded"),
    ("abcdefghijk\u200b", "password_padded"),
    ("abcdefghijk ", "password_padded"),
    ("abcdefghijk", "password_too_short"),
]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("password", "code"), PADDED, ids=[f"{c}-{n}" for n, (_, c) in enumerate(PADDED)])
def test_padded_and_blank_passwords_are_refused_on_create_and_change(client, org, engine, password, code):
    before = _user_count(engine)
    created = client.post(
        "/api/v1/users",
        json={"email": "padded@utrecht.example", "password": password, "roles": ["employee"]},
        headers=org["admin"].headers,
    )
    assert created.status_code == 400, created.text
    assert created.headers["content-type"] == "application/problem+json"
    assert _codes(created) == {"password": code}
    assert _user_count(engine) == before
    changed = client.post(
        "/api/v1/users/current/password",
        json={"currentPassword": PASSWORD, "newPassword": password},
        headers=org["employee"].headers,
    )
    assert changed.status_code == 400 and _codes(changed) == {"newPassword": code}
    assert _login(client, org["employee"].email, PASSWORD).status_code == 201


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_spaces_inside_a_long_enough_password_are_fine(client, org):
    created = client.post(
        "/api/v1/users",
        json={
            "email": "spaced@utrecht.example",
            "password": " a b c d e f g h i j k l ",
            "roles": ["employee"],
        },
        headers=org["admin"].headers,
    )
    assert created.status_code == 201, created.text


def test_the_ui_words_every_new_code():
    for code in ("password_padded", "password_blank", "organisation_required", "email_unavailable"):
        assert code in FIELD_MESSAGES


@pytest.fixture
def web_app(settings: Settings) -> Iterator[FastAPI]:
    """API and UI in one app; the UI reaches the API in-process (as in tests/web/conftest.py)."""
    web = create_web(api_url="http://testserver/api/v1", secret_key=settings.resolved_secret_key())
    application = create_app(settings, web=web)
    web.state.transport = httpx.ASGITransport(app=application)
    yield application
    application.state.engine.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_login_form_asks_for_the_organisation_when_the_address_is_ambiguous(web_app):
    engine = web_app.state.engine
    utrecht = make_tenant(engine, slug="utrecht")
    aarhus = make_tenant(engine, slug="aarhus")
    add_member(engine, utrecht, key="shared", roles=["employee"])
    email = "shared@utrecht.example"
    with Session(engine) as session:
        organisations.create_user(
            session,
            organisation_id=aarhus.organisation_id,
            email=email,
            password=PASSWORD,
            roles=["employee"],
        )
        session.commit()
    browser = TestClient(web_app, raise_server_exceptions=False, follow_redirects=False)
    token = csrf_of(browser)
    asked = browser.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert asked.status_code == 400
    assert 'name="organisation"' in asked.text and "meerdere organisaties" in asked.text  # Dutch UI
    chosen = browser.post(
        "/login", data={"email": email, "password": PASSWORD, "organisation": "aarhus", "csrf_token": token}
    )
    assert chosen.status_code == 303, chosen.text[:500]
    assert browser.get("/api/v1/users/current").status_code in (401, 403)  # the token stays server-side
