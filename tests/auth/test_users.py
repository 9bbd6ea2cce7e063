"""User administration and the user's own account: roles, deactivation, passwords, language."""

from __future__ import annotations

from sqlmodel import Session, select

from app.audit.models import AuditEvent
from tests.fixtures.factories import PASSWORD

NEW_PASSWORD = "a quite different passphrase"


def login(client, email: str, password: str = PASSWORD):
    return client.post("/api/v1/sessions", json={"email": email, "password": password})


def codes(response) -> dict[str, str]:
    return {e["name"]: e["code"] for e in response.json().get("errors", [])}


def get_user(client, org, key: str):
    response = client.get(f"/api/v1/users/{org[key].user_id}", headers=org["admin"].headers)
    assert response.status_code == 200, response.text
    return response


def test_admin_reads_and_changes_roles_name_and_locale_with_if_match(client, org, engine):
    response = get_user(client, org, "employee")
    etag = response.headers["ETag"]
    assert response.json()["version"] == 1 and response.json()["mustChangePassword"] is False
    url = f"/api/v1/users/{org['employee'].user_id}"
    body = {"roles": ["employee", "case_handler"], "name": "Eva Employee", "locale": "da"}
    assert client.patch(url, json=body, headers=org["admin"].headers).status_code == 428
    stale = {**org["admin"].headers, "If-Match": '"99"'}
    assert client.patch(url, json=body, headers=stale).status_code == 412
    changed = client.patch(url, json=body, headers={**org["admin"].headers, "If-Match": etag})
    assert changed.status_code == 200, changed.text
    assert changed.json()["roles"] == ["employee", "case_handler"]
    assert changed.json()["locale"] == "da" and changed.json()["name"] == "Eva Employee"
    assert changed.headers["ETag"] == '"2"'
    # Non-admins may not change users.
    forbidden = client.patch(url, json={"name": "x"}, headers={**org["manager"].headers, "If-Match": '"2"'})
    assert forbidden.status_code == 403
    with Session(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "user.update")).one()
    assert event.details["roles"] == {"from": ["employee"], "to": ["employee", "case_handler"]}


def test_field_errors_have_specific_codes(client, org):
    url = f"/api/v1/users/{org['employee'].user_id}"
    headers = {**org["admin"].headers, "If-Match": '"1"'}
    response = client.patch(url, json={"name": "  ", "roles": []}, headers=headers)
    assert response.status_code == 400
    assert codes(response) == {"name": "required", "roles": "required"}


def test_deactivated_user_cannot_log_in_and_their_sessions_end(client, org, engine):
    url = f"/api/v1/users/{org['employee'].user_id}"
    assert client.get("/api/v1/users/current", headers=org["employee"].headers).status_code == 200
    headers = {**org["admin"].headers, "If-Match": '"1"'}
    response = client.patch(url, json={"isActive": False}, headers=headers)
    assert response.status_code == 200 and response.json()["isActive"] is False
    assert client.get("/api/v1/users/current", headers=org["employee"].headers).status_code == 401
    assert login(client, org["employee"].email).status_code == 401
    again = client.patch(url, json={"isActive": True}, headers={**org["admin"].headers, "If-Match": '"2"'})
    assert again.json()["isActive"] is True
    assert login(client, org["employee"].email).status_code == 201
    with Session(engine) as session:
        actions = [e.action for e in session.exec(select(AuditEvent)).all()]
    assert "user.deactivate" in actions and "user.reactivate" in actions


def test_admin_cannot_deactivate_or_demote_themselves(client, org):
    url = f"/api/v1/users/{org['admin'].user_id}"
    headers = {**org["admin"].headers, "If-Match": '"1"'}
    response = client.patch(url, json={"isActive": False}, headers=headers)
    assert response.status_code == 409 and codes(response) == {"isActive": "self_deactivation"}
    response = client.patch(url, json={"roles": ["employee"]}, headers=headers)
    assert response.status_code == 409 and codes(response) == {"roles": "self_demotion"}
    assert get_user(client, org, "admin").json()["isActive"] is True


def test_users_of_another_organisation_are_not_found(client, org, other_org):
    url = f"/api/v1/users/{other_org['case_handler'].user_id}"
    assert client.get(url, headers=org["admin"].headers).status_code == 404
    headers = {**org["admin"].headers, "If-Match": '"1"'}
    assert client.patch(url, json={"isActive": False}, headers=headers).status_code == 404
    assert client.post(f"{url}/password-resets", headers=org["admin"].headers).status_code == 404


def test_password_reset_gives_a_temporary_password_that_must_be_changed(client, org, engine):
    url = f"/api/v1/users/{org['employee'].user_id}/password-resets"
    assert client.post(url, headers=org["manager"].headers).status_code == 403
    response = client.post(url, headers=org["admin"].headers)
    assert response.status_code == 201, response.text
    temporary = response.json()["temporaryPassword"]
    assert len(temporary) >= 12 and response.json()["user"]["mustChangePassword"] is True
    assert client.get("/api/v1/users/current", headers=org["employee"].headers).status_code == 401
    assert login(client, org["employee"].email).status_code == 401
    issued = login(client, org["employee"].email, temporary)
    assert issued.status_code == 201 and issued.json()["user"]["mustChangePassword"] is True
    headers = {"Authorization": f"Bearer {issued.json()['token']}"}
    # Until the password is changed, only the own account is open.
    refused = client.get("/api/v1/incidents", headers=headers)
    assert refused.status_code == 403 and refused.json()["type"].endswith("password-change-required")
    assert client.get("/api/v1/users/current", headers=headers).status_code == 200
    body = {"currentPassword": temporary, "newPassword": NEW_PASSWORD}
    assert client.post("/api/v1/users/current/password", json=body, headers=headers).status_code == 204
    assert client.get("/api/v1/incidents", headers=headers).status_code == 200
    assert login(client, org["employee"].email, temporary).status_code == 401
    assert login(client, org["employee"].email, NEW_PASSWORD).status_code == 201
    own = client.post(f"/api/v1/users/{org['admin'].user_id}/password-resets", headers=org["admin"].headers)
    assert own.status_code == 409 and codes(own) == {"userId": "self_reset"}
    with Session(engine) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.object_type == "user")).all()
    assert all(temporary not in str(e.details) and NEW_PASSWORD not in str(e.details) for e in events)
    assert {"user.password_reset", "user.password_change"} <= {e.action for e in events}


def test_own_password_change_checks_current_and_policy_and_is_throttled(client, org):
    url = "/api/v1/users/current/password"
    headers = org["employee"].headers
    wrong = client.post(url, json={"currentPassword": "nope", "newPassword": NEW_PASSWORD}, headers=headers)
    assert wrong.status_code == 400 and codes(wrong) == {"currentPassword": "wrong_password"}
    cases = {
        "short": "password_too_short",
        " " * 12: "password_blank",
        org["employee"].email.upper(): "same_as_email",
        "": "required",
        PASSWORD: "unchanged",
    }
    for new, code in cases.items():
        response = client.post(url, json={"currentPassword": PASSWORD, "newPassword": new}, headers=headers)
        assert response.status_code == 400 and codes(response) == {"newPassword": code}, new
    for _ in range(4):
        client.post(url, json={"currentPassword": "nope", "newPassword": NEW_PASSWORD}, headers=headers)
    throttled = client.post(
        url, json={"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}, headers=headers
    )
    assert throttled.status_code == 429
    assert login(client, org["employee"].email, PASSWORD).status_code == 429


def test_own_name_and_locale(client, org):
    headers = org["employee"].headers
    response = client.patch("/api/v1/users/current", json={"locale": "da", "name": "Eva"}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["locale"] == "da"
    assert login(client, org["employee"].email).json()["user"]["locale"] == "da"
    me = client.get("/api/v1/users/current", headers=headers).json()
    assert me["locale"] == "da" and me["organisation"]["timeZone"] == "Europe/Amsterdam"
    assert client.patch("/api/v1/users/current", json={"locale": "fr"}, headers=headers).status_code == 400
    cleared = client.patch("/api/v1/users/current", json={"locale": None}, headers=headers)
    assert cleared.json()["locale"] is None and cleared.json()["name"] == "Eva"


def test_password_policy_and_addresses_unique_per_organisation(client, org, other_org):
    url = "/api/v1/users"
    base = {"email": "new@utrecht.example", "roles": ["employee"]}
    blank = client.post(url, json={**base, "password": " " * 12}, headers=org["admin"].headers)
    assert blank.status_code == 400 and codes(blank) == {"password": "password_blank"}
    same = client.post(url, json={**base, "password": base["email"]}, headers=org["admin"].headers)
    assert codes(same) == {"password": "same_as_email"}
    missing = client.post(url, json={"email": "", "password": "", "roles": []}, headers=org["admin"].headers)
    assert codes(missing) == {"email": "required", "password": "required", "roles": "required"}
    elsewhere = client.post(
        url,
        json={"email": other_org["case_handler"].email, "password": NEW_PASSWORD, "roles": ["employee"]},
        headers=org["admin"].headers,
    )
    here = client.post(
        url,
        json={"email": org["manager"].email, "password": NEW_PASSWORD, "roles": ["employee"]},
        headers=org["admin"].headers,
    )
    # Addresses are unique per organisation: another organisation's user is no obstacle (and
    # so not revealed); tests/security/test_accounts_hostile.py covers logging in to either.
    assert elsewhere.status_code == 201, elsewhere.text
    assert here.status_code == 409 and codes(here) == {"email": "email_unavailable"}
