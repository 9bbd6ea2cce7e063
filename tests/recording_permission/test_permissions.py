"""Registering requests to record and their decisions: the protocol's rules, roles and isolation."""

from __future__ import annotations

from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.auth.actor import Scope
from app.recording_permission.models import RecordingPermission
from tests.fixtures.factories import make_api_client
from tests.recording_permission.bodies import BEFORE, consenting, count, names, permission_body

URL = "/api/v1/recording-permissions"


def test_front_desk_registers_granted_audio_request_in_one_call(client, org, engine):
    response = client.post(URL, json=permission_body(), headers=org["employee"].headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["decision"] == "granted"
    assert body["decidedBy"] == {"kind": "user", "id": str(org["employee"].user_id)}
    assert body["decidedAt"].endswith("Z")
    assert body["registeredBy"]["id"] == str(org["employee"].user_id)
    assert body["kinds"] == ["audio"]
    assert body["employees"] == [
        {"name": "Anna de Vries", "userId": None, "consent": "not_asked", "consentAt": None}
    ]
    assert response.headers["Location"] == f"{URL}/{body['id']}"
    assert response.headers["ETag"] == '"1"'
    with Session(engine) as session:
        actions = session.exec(select(AuditEvent.action).where(AuditEvent.object_id == body["id"])).all()
    assert actions == ["recording_permission.create"]


def test_pending_request_then_decision_sets_decided_by_and_at_on_the_server(client, org):
    created = client.post(
        URL,
        json=permission_body(decision="pending", conditionsAccepted=False),
        headers=org["employee"].headers,
    ).json()
    assert created["decidedAt"] is None and created["decidedBy"] is None
    decided = client.patch(
        f"{URL}/{created['id']}",
        json={"decision": "granted", "conditionsAccepted": True},
        headers={**org["case_handler"].headers, "If-Match": '"1"'},
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["decidedBy"]["id"] == str(org["case_handler"].user_id)
    assert decided.json()["decidedAt"] is not None
    assert decided.headers["ETag"] == '"2"'


def test_decided_by_and_at_cannot_be_sent_by_the_client(client, org, engine):
    body = permission_body(decidedAt="2026-01-01T00:00:00Z", decidedBy={"kind": "user"})
    response = client.post(URL, json=body, headers=org["employee"].headers)
    assert response.status_code == 400
    assert names(response) == {"decidedAt", "decidedBy"}
    assert count(engine, RecordingPermission) == 0


def test_photo_outside_public_space_needs_prior_consent_of_every_employee(client, org, engine):
    body = permission_body(
        kinds=["audio", "video"],
        employees=[consenting("Anna", org["employee"].user_id), {"name": "Bram"}],
    )
    refused = client.post(URL, json=body, headers=org["employee"].headers)
    assert refused.status_code == 400
    assert refused.headers["content-type"] == "application/problem+json"
    assert names(refused) == {"employees/1/consent"}
    assert count(engine, RecordingPermission) == 0
    body["employees"][1] = consenting("Bram")
    granted = client.post(URL, json=body, headers=org["employee"].headers)
    assert granted.status_code == 201, granted.text
    assert [e["consent"] for e in granted.json()["employees"]] == ["given", "given"]


def test_photo_in_public_space_needs_no_consent(client, org):
    body = permission_body(kinds=["photo"], publicSpace=True, place="Markt, voor het stadhuis")
    response = client.post(URL, json=body, headers=org["employee"].headers)
    assert response.status_code == 201, response.text


def test_granting_images_when_an_employee_refused_is_invalid_even_in_public_space(client, org):
    body = permission_body(
        kinds=["photo"],
        publicSpace=True,
        employees=[{"name": "Anna", "consent": "refused", "consentAt": BEFORE}],
    )
    response = client.post(URL, json=body, headers=org["employee"].headers)
    assert response.status_code == 400
    assert names(response) == {"employees/0/consent"}


def test_refusing_audio_needs_weighty_reason_and_alternative(client, org, engine):
    bare = client.post(URL, json=permission_body(decision="refused"), headers=org["employee"].headers)
    assert bare.status_code == 400
    assert names(bare) == {"reason", "refusalGround", "alternative"}
    no_alternative = client.post(
        URL,
        json=permission_body(
            decision="refused", refusalGround="weighty_reason", reason="Threats in earlier visits."
        ),
        headers=org["employee"].headers,
    )
    assert names(no_alternative) == {"alternative"}
    assert count(engine, RecordingPermission) == 0
    ok = client.post(
        URL,
        json=permission_body(
            decision="refused",
            refusalGround="weighty_reason",
            reason="Threats in earlier visits.",
            alternative="A written report of the conversation, sent within a week.",
            conditionsAccepted=False,
        ),
        headers=org["employee"].headers,
    )
    assert ok.status_code == 201, ok.text


def test_alternative_offered_needs_the_alternative(client, org):
    response = client.post(
        URL,
        json=permission_body(
            kinds=["video"],
            decision="alternative_offered",
            refusalGround="weighty_reason",
            reason="Confidential case data on screen.",
        ),
        headers=org["employee"].headers,
    )
    assert response.status_code == 400
    assert names(response) == {"alternative"}


def test_refusal_on_portrait_right_names_the_employee(client, org):
    body = permission_body(
        kinds=["audio", "video"],
        decision="alternative_offered",
        refusalGround="portrait_right",
        reason="The employee does not want to be filmed.",
        alternative="Audio only.",
        employees=[{"name": "Anna"}],
    )
    unnamed = client.post(URL, json=body, headers=org["employee"].headers)
    assert unnamed.status_code == 400
    assert names(unnamed) == {"employees"}
    body["employees"] = [
        {"name": "Anna", "userId": str(org["employee"].user_id), "consent": "refused", "consentAt": BEFORE}
    ]
    named = client.post(URL, json=body, headers=org["employee"].headers)
    assert named.status_code == 201, named.text
    assert named.json()["employees"][0]["consent"] == "refused"


def test_portrait_right_does_not_apply_to_audio(client, org):
    body = permission_body(
        decision="refused",
        refusalGround="portrait_right",
        reason="Does not want it.",
        alternative="Written report.",
        employees=[{"name": "Anna", "consent": "refused", "consentAt": BEFORE}],
    )
    response = client.post(URL, json=body, headers=org["employee"].headers)
    assert response.status_code == 400
    assert names(response) == {"refusalGround"}


def test_granting_needs_accepted_conditions_and_no_refusal_fields(client, org):
    response = client.post(
        URL,
        json=permission_body(conditionsAccepted=False, refusalGround="weighty_reason", alternative="No."),
        headers=org["employee"].headers,
    )
    assert response.status_code == 400
    assert names(response) == {"conditionsAccepted", "refusalGround", "alternative"}


def test_unknown_kind_decision_and_missing_fields_are_listed_at_once(client, org, engine):
    response = client.post(
        URL,
        json=permission_body(kinds=["hologram"], decision="maybe", employees=[], place=""),
        headers=org["employee"].headers,
    )
    assert response.status_code == 400
    assert names(response) == {"kinds/0", "decision", "employees", "place"}
    assert count(engine, RecordingPermission) == 0


def test_consent_after_the_recording_or_without_time_is_refused(client, org):
    late = {"name": "Anna", "consent": "given", "consentAt": "2026-03-02T09:45:00Z"}
    untimed = {"name": "Bram", "consent": "given"}
    body = permission_body(kinds=["photo"], employees=[late, untimed])
    response = client.post(URL, json=body, headers=org["employee"].headers)
    assert response.status_code == 400
    assert names(response) == {"employees/0/consentAt", "employees/1/consentAt"}


def test_consent_in_the_future_and_conversation_years_ahead_are_refused(client, org):
    body = permission_body(
        conversationAt="2099-01-01T10:00:00Z",
        employees=[{"name": "Anna", "consent": "given", "consentAt": "2098-12-31T10:00:00Z"}],
    )
    response = client.post(URL, json=body, headers=org["employee"].headers)
    assert response.status_code == 400
    assert names(response) == {"employees/0/consentAt"}
    far = client.post(
        URL, json=permission_body(conversationAt="2099-01-01T10:00:00Z"), headers=org["employee"].headers
    )
    assert names(far) == {"conversationAt"}


def test_request_made_in_advance_may_be_decided_before_the_conversation(client, org):
    response = client.post(
        URL, json=permission_body(conversationAt="2027-01-15T10:00:00Z"), headers=org["employee"].headers
    )
    assert response.status_code == 201, response.text
    assert response.json()["decidedAt"] < response.json()["conversationAt"]


def test_employee_user_of_another_organisation_is_a_field_error(client, org, other_org, engine):
    body = permission_body(employees=[{"name": "X", "userId": str(other_org["admin"].user_id)}])
    response = client.post(URL, json=body, headers=org["employee"].headers)
    assert response.status_code == 400
    assert names(response) == {"employees/0/userId"}
    assert count(engine, RecordingPermission) == 0


def test_permission_of_another_organisation_is_not_found(client, org, other_org):
    theirs = client.post(URL, json=permission_body(), headers=other_org["admin"].headers).json()
    headers = org["admin"].headers
    assert client.get(f"{URL}/{theirs['id']}", headers=headers).status_code == 404
    patch = client.patch(f"{URL}/{theirs['id']}", json={"place": "x"}, headers={**headers, "If-Match": '"1"'})
    assert patch.status_code == 404
    assert patch.headers["content-type"] == "application/problem+json"
    assert client.get(f"{URL}/{theirs['id']}/receipt", headers=headers).status_code == 404
    assert client.get(URL, headers=headers).json()["items"] == []
    assert client.get(f"{URL}/not-a-uuid", headers=headers).status_code == 400


def test_employees_see_what_they_registered_or_concerns_them_handlers_see_all(client, org):
    mine = client.post(URL, json=permission_body(), headers=org["employee"].headers).json()
    about_me = client.post(
        URL,
        json=permission_body(employees=[{"name": "E", "userId": str(org["employee"].user_id)}]),
        headers=org["manager"].headers,
    ).json()
    other = client.post(URL, json=permission_body(), headers=org["manager"].headers).json()
    listed = client.get(URL, headers=org["employee"].headers).json()
    assert {p["id"] for p in listed["items"]} == {mine["id"], about_me["id"]}
    assert client.get(f"{URL}/{other['id']}", headers=org["employee"].headers).status_code == 404
    for role in ("case_handler", "privacy_officer", "legal", "admin"):
        seen = client.get(URL, headers=org[role].headers).json()
        assert len(seen["items"]) == 3, role
    assert client.get(URL, headers=org["auditor"].headers).json()["items"] == []


def test_concerned_employee_records_own_consent(client, org):
    created = client.post(
        URL,
        json=permission_body(
            kinds=["photo"],
            decision="pending",
            conditionsAccepted=False,
            employees=[{"name": "Emma", "userId": str(org["employee"].user_id)}],
        ),
        headers=org["manager"].headers,
    ).json()
    employee = {
        "name": "Emma",
        "userId": str(org["employee"].user_id),
        "consent": "given",
        "consentAt": BEFORE,
    }
    response = client.patch(
        f"{URL}/{created['id']}",
        json={"employees": [employee], "decision": "granted", "conditionsAccepted": True},
        headers={**org["employee"].headers, "If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    assert response.json()["decision"] == "granted"


def test_auditor_cannot_register(client, org, engine):
    response = client.post(URL, json=permission_body(), headers=org["auditor"].headers)
    assert response.status_code == 403
    assert count(engine, RecordingPermission) == 0


def test_api_clients_need_the_recording_permission_scopes(client, org, engine):
    reader = make_api_client(engine, org, scopes=[Scope.recording_permissions_read])
    writer = make_api_client(engine, org, scopes=[Scope.recording_permissions_write])
    other = make_api_client(engine, org, scopes=[Scope.incidents_read])
    assert client.post(URL, json=permission_body(), headers=reader).status_code == 403
    created = client.post(URL, json=permission_body(), headers=writer)
    assert created.status_code == 201, created.text
    assert created.json()["decidedBy"]["kind"] == "apiClient"
    assert len(client.get(URL, headers=reader).json()["items"]) == 1
    assert client.get(URL, headers=other).status_code == 403
    assert client.get(URL).status_code == 401


def test_patch_requires_if_match_refuses_stale_versions_and_bad_merges(client, org):
    headers = org["employee"].headers
    created = client.post(URL, json=permission_body(), headers=headers).json()
    url = f"{URL}/{created['id']}"
    assert client.patch(url, json={"place": "Balie 4"}, headers=headers).status_code == 428
    ok = client.patch(url, json={"place": "Balie 4"}, headers={**headers, "If-Match": '"1"'})
    assert ok.status_code == 200, ok.text
    assert ok.json()["decidedAt"] == created["decidedAt"]
    stale = client.patch(url, json={"place": "Balie 5"}, headers={**headers, "If-Match": '"1"'})
    assert stale.status_code == 412
    # Adding video to a granted request without consent breaks the rules of the merged result.
    bad = client.patch(url, json={"kinds": ["audio", "video"]}, headers={**headers, "If-Match": '"2"'})
    assert bad.status_code == 400
    assert names(bad) == {"employees/0/consent"}
    cleared = client.patch(url, json={"kinds": None}, headers={**headers, "If-Match": '"2"'})
    assert names(cleared) == {"kinds"}
    after = client.get(url, headers=headers).json()
    assert after["version"] == 2 and after["kinds"] == ["audio"] and after["place"] == "Balie 4"


def test_list_filters_and_pages(client, org):
    headers = org["case_handler"].headers
    audio = client.post(URL, json=permission_body(requester={"name": "Karel Appel"}), headers=headers).json()
    public_photo = client.post(
        URL,
        json=permission_body(kinds=["photo"], publicSpace=True, conversationAt="2025-06-01T10:00:00Z"),
        headers=headers,
    ).json()
    pending = client.post(URL, json=permission_body(decision="pending"), headers=headers).json()

    def ids(query: str) -> set[str]:
        response = client.get(f"{URL}?{query}", headers=headers)
        assert response.status_code == 200, response.text
        return {p["id"] for p in response.json()["items"]}

    assert ids("decision=pending") == {pending["id"]}
    assert ids("decision=granted") == {audio["id"], public_photo["id"]}
    assert ids("kind=photo") == {public_photo["id"]}
    assert ids("kind=photo&kind=audio") == {audio["id"], public_photo["id"], pending["id"]}
    assert ids("publicSpace=true") == {public_photo["id"]}
    assert ids("conversationTo=2026-01-01T00:00:00Z") == {public_photo["id"]}
    assert ids("conversationFrom=2026-01-01T00:00:00Z") == {audio["id"], pending["id"]}
    assert ids("q=appel") == {audio["id"]}
    assert client.get(f"{URL}?kind=hologram", headers=headers).status_code == 400
    seen, url = [], f"{URL}?limit=2"
    while url:
        page = client.get(url, headers=headers).json()
        seen.extend(p["id"] for p in page["items"])
        url = page["next"]
    assert len(seen) == len(set(seen)) == 3
    assert client.get(f"{URL}?cursor=bogus", headers=headers).status_code == 400


def test_each_broken_rule_has_its_own_code(client, org):
    """The UI words each rule by its code; none of them falls back to a generic one."""
    cases = [
        (
            permission_body(decision="refused", conditionsAccepted=False),
            {
                ("reason", "required"),
                ("refusalGround", "required"),
                ("alternative", "audio-refusal-needs-alternative"),
            },
        ),
        (
            permission_body(
                kinds=["photo"], employees=[{"name": "A", "consent": "refused", "consentAt": BEFORE}]
            ),
            {("employees/0/consent", "consent-refused")},
        ),
        (
            permission_body(kinds=["video"], employees=[{"name": "A"}]),
            {("employees/0/consent", "consent-needed")},
        ),
        (
            permission_body(
                decision="alternative_offered",
                refusalGround="portrait_right",
                reason="Weigert beeld",
                alternative="Alleen geluid",
            ),
            {("refusalGround", "portrait-right-needs-images")},
        ),
        (
            permission_body(refusalGround="weighty_reason", employees=[{"name": "A", "consentAt": BEFORE}]),
            {("refusalGround", "not-allowed"), ("employees/0/consentAt", "not-allowed")},
        ),
    ]
    for body, expected in cases:
        response = client.post(URL, json=body, headers=org["manager"].headers)
        assert response.status_code == 400, response.text
        assert {(e["name"], e["code"]) for e in response.json()["errors"]} == expected
