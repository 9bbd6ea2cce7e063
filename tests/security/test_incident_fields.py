"""Handler-only incident fields: the same rule on create as on update, for every staff role."""

from __future__ import annotations

from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.auth.actor import Scope
from app.incident.models import Incident
from tests.fixtures.factories import incident_body, make_api_client
from tests.recording_permission.bodies import permission_body, violation_body

# A value for every field that only a case handler (or an API client with incidents:write) sets.
HANDLER_ONLY = {
    "severity": "critical",
    "caseHandlerId": None,  # filled with the organisation's case handler
    "protocolNotApplicable": True,
    "protocolNotApplicableReason": "Wethouder.",
    "girCategory": "persoonlijke bedreiging",
    "safetynetCategory": "arbejdsskade",
    "policeReportRequired": False,
    "externalReferences": [{"system": "GIR", "id": "GIR-1"}],
    "perpetratorId": None,  # filled with a perpetrator record
    "politicalOfficeHolder": True,
}
NOT_HANDLERS = ("employee", "manager", "admin", "auditor")


def _values(client, org) -> dict[str, object]:
    record = client.post("/api/v1/perpetrators", json={"name": "X"}, headers=org["case_handler"].headers)
    assert record.status_code == 201, record.text
    return HANDLER_ONLY | {
        "caseHandlerId": str(org["case_handler"].user_id),
        "perpetratorId": record.json()["id"],
    }


def _counts(engine) -> tuple[int, int]:
    with Session(engine) as session:
        return len(session.exec(select(Incident)).all()), len(session.exec(select(AuditEvent)).all())


def test_reporters_cannot_set_handler_fields_on_create_as_on_update(client, engine, org):
    values = _values(client, org)
    own = client.post("/api/v1/incidents", json=incident_body(), headers=org["employee"].headers).json()
    before = _counts(engine)
    for role in NOT_HANDLERS:
        headers = org[role].headers
        for name, value in values.items():
            created = client.post("/api/v1/incidents", json=incident_body(**{name: value}), headers=headers)
            assert created.status_code == 403, (role, name, created.text)
            assert created.headers["content-type"] == "application/problem+json"
            assert created.json()["detail"] == f"Only the case handler may set: {name}."
        # null is a value too: a reporter cannot clear or set the handler's fields either way.
        nulled = client.post("/api/v1/incidents", json=incident_body(severity=None), headers=headers)
        assert nulled.status_code == 403, (role, nulled.text)
    # The reporter's own incident, still reported: PATCH answers the same as POST.
    for name, value in values.items():
        patched = client.patch(
            f"/api/v1/incidents/{own['id']}",
            json={name: value},
            headers={**org["employee"].headers, "If-Match": '"1"'},
        )
        assert patched.status_code == 403, (name, patched.text)
        assert patched.json()["detail"] == f"Only the case handler may set: {name}."
    assert _counts(engine) == before  # nothing registered, nothing audited


def test_reporter_keeps_the_facts_and_confidentiality_of_a_report(client, org):
    body = incident_body(
        description="Post with a threat.",
        urls=["https://facebook.com/gemeente/posts/1"],
        frequency="once",
        targets=["employee"],
        affectedEmployees=[{"name": "E", "userId": str(org["employee"].user_id)}],
        perpetrator={"known": True, "name": "X"},
        confidentiality="strictly_confidential",
    )
    created = client.post("/api/v1/incidents", json=body, headers=org["employee"].headers)
    assert created.status_code == 201, created.text
    assert created.json()["confidentiality"] == "strictly_confidential"
    assert created.json()["severity"] == "medium" and created.json()["caseHandlerId"] is None


def test_handlers_and_api_clients_with_write_scope_keep_their_rights(client, engine, org):
    values = _values(client, org)
    for headers in (
        org["case_handler"].headers,
        org["privacy_officer"].headers,
        make_api_client(engine, org, scopes=[Scope.incidents_write, Scope.incidents_read]),
    ):
        values["externalReferences"] = [{"system": "GIR", "id": f"GIR-{len(str(headers))}-{id(headers)}"}]
        created = client.post("/api/v1/incidents", json=incident_body(**values), headers=headers)
        assert created.status_code == 201, created.text
        assert created.json()["severity"] == "critical"
        assert created.json()["girCategory"] == "persoonlijke bedreiging"
        assert created.json()["perpetratorId"] == values["perpetratorId"]
    read_only = make_api_client(engine, org, scopes=[Scope.incidents_read])
    refused = client.post("/api/v1/incidents", json=incident_body(), headers=read_only)
    assert refused.status_code == 403


def test_a_breach_registered_at_the_desk_follows_the_same_rule(client, engine, org):
    employee = org["employee"].headers
    permission = client.post("/api/v1/recording-permissions", json=permission_body(), headers=employee)
    assert permission.status_code == 201, permission.text
    url = f"/api/v1/recording-permissions/{permission.json()['id']}/violations"
    before = _counts(engine)
    refused = client.post(url, json=violation_body(severity="critical"), headers=employee)
    assert refused.status_code == 403, refused.text
    assert refused.json()["detail"] == "Only the case handler may set: severity."
    assert _counts(engine) == before
    assert client.post(url, json=violation_body(), headers=employee).status_code == 201
    handled = client.post(url, json=violation_body(severity="critical"), headers=org["case_handler"].headers)
    assert handled.status_code == 201, handled.text
