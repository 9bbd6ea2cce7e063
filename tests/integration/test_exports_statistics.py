"""GIR and SafetyNet exports (JSON and CSV) and statistics: mapping, ranges, need-to-know."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

from sqlmodel import Session, select

from app.action.models import Action
from app.audit.models import AuditEvent
from app.auth.actor import Scope
from app.incident.models import Incident
from app.takedown.models import TakedownRequest
from tests.fixtures.factories import incident_body, make_api_client


def register(client, org, **overrides):
    response = client.post(
        "/api/v1/incidents", json=incident_body(**overrides), headers=org["case_handler"].headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_gir_export_maps_threats_and_verbal_aggression(client, org, engine):
    threat = register(client, org, behaviours=["threat"], externalReferences=[{"system": "GIR", "id": "G-1"}])
    insult = register(client, org, behaviours=["insult", "swearing"], occurredAt="2026-03-03T10:00:00Z")
    chosen = register(client, org, behaviours=["insult"], girCategory="persoonlijke bedreiging")
    response = client.get("/api/v1/exports/gir", headers=org["privacy_officer"].headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["system"] == "GIR"
    rows = {r["incidentId"]: r for r in body["items"]}
    assert rows[threat["id"]]["category"] == "persoonlijke bedreiging"
    assert rows[threat["id"]]["registerId"] == "G-1"
    assert rows[insult["id"]]["category"] == "(non-)verbale agressie"
    assert rows[chosen["id"]]["category"] == "persoonlijke bedreiging"  # the case handler's choice wins
    assert rows[threat["id"]]["workInjury"] is None
    # No names or free text leave the system through an export.
    assert not {"title", "description", "affectedEmployees", "perpetrator"} & set(body["items"][0])
    with Session(engine) as session:
        assert "export.gir" in [e.action for e in session.exec(select(AuditEvent)).all()]


def test_safetynet_export_marks_serious_cases_as_work_injury(client, org, engine):
    minor = register(client, org, behaviours=["insult"])
    serious = register(client, org, behaviours=["insult"], severity="critical")
    death = register(client, org, behaviours=["death_threat"])
    headers = make_api_client(engine, org, scopes=[Scope.exports_read])
    rows = {
        r["incidentId"]: r for r in client.get("/api/v1/exports/safetynet", headers=headers).json()["items"]
    }
    assert rows[minor["id"]]["category"] == "mindre vold, trusler og anden krænkende adfærd"
    assert rows[minor["id"]]["workInjury"] is False
    assert rows[serious["id"]]["category"] == "arbejdsskade"
    assert rows[death["id"]]["workInjury"] is True


def test_csv_by_format_or_accept_header(client, org):
    register(
        client, org, behaviours=["threat", "doxxing"], externalReferences=[{"system": "GIR", "id": "=1+1"}]
    )
    headers = org["case_handler"].headers
    by_query = client.get("/api/v1/exports/gir?format=csv", headers=headers)
    by_accept = client.get("/api/v1/exports/gir", headers={**headers, "Accept": "text/csv"})
    for response in (by_query, by_accept):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(by_query.text)))
    assert rows[0]["behaviours"] == "threat;doxxing"
    assert rows[0]["category"] == "persoonlijke bedreiging"
    assert rows[0]["registerId"] == "'=1+1"  # never a formula in a spreadsheet
    assert rows[0]["policeReportRequired"] in ("true", "false")
    assert client.get("/api/v1/exports/gir?format=json", headers={**headers, "Accept": "text/csv"}).json()


def test_date_range_filters_and_invalid_range_is_400(client, org, engine):
    register(client, org, occurredAt="2026-01-10T10:00:00Z")
    march = register(client, org, occurredAt="2026-03-10T10:00:00Z")
    headers = org["case_handler"].headers
    ranged = client.get(
        "/api/v1/exports/gir?occurredFrom=2026-03-01T00:00:00Z&occurredTo=2026-04-01T00:00:00Z",
        headers=headers,
    ).json()
    assert [r["incidentId"] for r in ranged["items"]] == [march["id"]]
    with Session(engine) as session:
        before = len(session.exec(select(AuditEvent)).all())
    for path in ("/api/v1/exports/gir", "/api/v1/exports/safetynet", "/api/v1/statistics"):
        inverted = client.get(
            f"{path}?occurredFrom=2026-04-01T00:00:00Z&occurredTo=2026-03-01T00:00:00Z", headers=headers
        )
        assert inverted.status_code == 400, path
        assert inverted.headers["content-type"] == "application/problem+json"
        assert inverted.json()["errors"][0]["name"] == "occurredTo"
        assert client.get(f"{path}?occurredFrom=yesterday", headers=headers).status_code == 400
    assert client.get("/api/v1/exports/gir?format=xml", headers=headers).status_code == 400
    with Session(engine) as session:
        assert len(session.exec(select(AuditEvent)).all()) == before


def test_exports_are_need_to_know(client, org, other_org, engine):
    register(client, org)
    for role in ("employee", "manager", "auditor"):
        assert client.get("/api/v1/exports/gir", headers=org[role].headers).status_code == 403
    reader = make_api_client(engine, org, scopes=[Scope.incidents_read])
    assert client.get("/api/v1/exports/gir", headers=reader).status_code == 403
    assert client.get("/api/v1/exports/gir", headers=other_org["admin"].headers).json()["items"] == []
    assert client.get("/api/v1/exports/gir").status_code == 401


def test_strictly_confidential_incidents_stay_out_of_client_exports(client, org, engine):
    client.post(
        "/api/v1/incidents",
        json=incident_body(confidentiality="strictly_confidential"),
        headers=org["privacy_officer"].headers,
    )
    headers = make_api_client(engine, org, scopes=[Scope.exports_read])
    assert client.get("/api/v1/exports/gir", headers=headers).json()["items"] == []
    assert len(client.get("/api/v1/exports/gir", headers=org["legal"].headers).json()["items"]) == 1


def test_statistics_count_without_personal_data(client, org, other_org, engine):
    register(client, org, behaviours=["threat", "insult"], platform="x", occurredAt="2026-02-01T10:00:00Z")
    register(client, org, behaviours=["insult"], platform="x", occurredAt="2026-03-05T10:00:00Z")
    register(client, org, behaviours=["doxxing"], platform="facebook", occurredAt="2026-03-06T10:00:00Z")
    register(client, other_org, behaviours=["threat"])
    response = client.get("/api/v1/statistics", headers=org["manager"].headers)
    assert response.status_code == 200, response.text
    stats = response.json()
    assert stats["total"] == 3
    as_map = {k: {c["key"]: c["count"] for c in stats[k]} for k in stats if k.startswith("by")}
    assert as_map["byMonth"] == {"2026-02": 1, "2026-03": 2}
    assert as_map["byBehaviour"] == {"threat": 1, "insult": 2, "doxxing": 1}
    assert as_map["byPlatform"] == {"x": 2, "facebook": 1}
    assert as_map["byClassification"] == {"criminal": 2, "privacy": 1}
    assert as_map["byStatus"] == {"reported": 3}
    text = response.text
    assert "Threatening comment" not in text and "@" not in text
    march = client.get(
        "/api/v1/statistics?occurredFrom=2026-03-01T00:00:00Z", headers=org["manager"].headers
    ).json()
    assert march["total"] == 2


def test_statistics_access(client, org, engine):
    assert client.get("/api/v1/statistics", headers=org["employee"].headers).status_code == 403
    assert client.get("/api/v1/statistics", headers=org["auditor"].headers).status_code == 403
    headers = make_api_client(engine, org, scopes=[Scope.statistics_read])
    assert client.get("/api/v1/statistics", headers=headers).status_code == 200


def test_statistics_medians_to_first_action_and_removal(client, org, engine):
    first = register(client, org)
    second = register(client, org)
    register(client, org)
    assert (
        client.get("/api/v1/statistics", headers=org["admin"].headers).json()["medianHoursToRemoval"] is None
    )
    with Session(engine) as session:
        for incident, hours in ((first, 2), (second, 4)):
            row = session.get(Incident, uuid.UUID(incident["id"]))
            session.add(
                Action(
                    organisation_id=row.organisation_id,
                    incident_id=row.id,
                    kind="consultation",
                    created_at=row.reported_at + timedelta(hours=hours),
                )
            )
        row = session.get(Incident, uuid.UUID(first["id"]))
        session.add(
            TakedownRequest(
                organisation_id=row.organisation_id,
                incident_id=row.id,
                recipient_kind="platform",
                recipient_name="X Corp",
                urls=["https://x.com/a/status/1"],
                status="removed",
                responded_at=row.reported_at + timedelta(hours=30),
            )
        )
        session.commit()
    stats = client.get("/api/v1/statistics", headers=org["admin"].headers).json()
    assert stats["medianHoursToFirstAction"] == 3.0
    assert stats["incidentsWithAction"] == 2
    assert stats["medianHoursToRemoval"] == 30.0
    assert stats["incidentsWithRemoval"] == 1
