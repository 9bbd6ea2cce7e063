"""Legal packs as data, the legal assessment, death threats and political office holders."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import Session, select

from app.action.models import Action
from app.audit.models import AuditEvent
from app.incident.models import Behaviour
from app.legal.models import LegalPack
from tests.fixtures.handling import make_incident

PACKS = Path(__file__).resolve().parents[2] / "app" / "legal" / "packs"


def test_shipped_packs_cover_every_behaviour_with_articles_and_three_languages():
    for country in ("nl", "dk"):
        pack = json.loads((PACKS / f"{country}.json").read_text())
        assert set(pack["behaviours"]) == {b.value for b in Behaviour}
        for rule in pack["behaviours"].values():
            assert rule["punishable"] in ("yes", "under_circumstances", "no")
            assert rule["source"]["document"] and rule["source"]["section"]
            assert rule["articles"]
            assert set(rule["condition"]) == {"nl", "da", "en"}
    nl = json.loads((PACKS / "nl.json").read_text())
    codes = {a["code"] for r in nl["behaviours"].values() for a in r["articles"]}
    codes |= {a["code"] for a in nl["politicalOfficeHolder"]["articles"]}
    expected = {
        "Sr 285",
        "Sr 266",
        "Sr 267",
        "Sr 285b",
        "Sr 137c",
        "Sr 261",
        "Sr 262",
        "Sr 179",
        "Sr 284",
        "Sr 317",
        "Sr 318",
        "Sr 121",
        "Sr 139f",
    }
    assert expected <= codes
    dk = json.loads((PACKS / "dk.json").read_text())
    dk_codes = {a["code"] for r in dk["behaviours"].values() for a in r["articles"]}
    # Silkeborg names § 267 and § 119A (the pack asks legal whether § 119 is meant).
    assert {"Strfl. § 267", "Strfl. § 119A"} <= dk_codes


def test_get_pack_seeds_organisation_copy_once(client, org, engine):
    first = client.get("/api/v1/legal-packs/nl", headers=org["employee"].headers)
    assert first.status_code == 200, first.text
    assert first.headers["ETag"] == '"1"'
    body = first.json()
    assert body["country"] == "NL"
    assert body["behaviours"]["stalking"]["articles"][0]["code"] == "Sr 285b"
    assert body["behaviours"]["swearing"]["punishable"] == "under_circumstances"
    client.get("/api/v1/legal-packs/nl", headers=org["legal"].headers)
    with Session(engine) as session:
        assert len(session.exec(select(LegalPack)).all()) == 1


def test_unknown_pack_country_is_a_400(client, org):
    response = client.get("/api/v1/legal-packs/de", headers=org["legal"].headers)
    assert response.status_code == 400
    assert response.json()["errors"][0]["in"] == "path"


def test_legal_staff_replace_pack_with_if_match_and_it_is_audited(client, org, engine):
    url = "/api/v1/legal-packs/nl"
    pack = client.get(url, headers=org["legal"].headers)
    body = {k: v for k, v in pack.json().items() if k not in ("version", "updatedAt", "updatedBy")}
    body["behaviours"]["swearing"]["punishable"] = "yes"
    no_match = client.put(url, json=body, headers=org["legal"].headers)
    assert no_match.status_code == 428
    stale = client.put(url, json=body, headers={**org["legal"].headers, "If-Match": '"7"'})
    assert stale.status_code == 412
    ok = client.put(url, json=body, headers={**org["legal"].headers, "If-Match": pack.headers["ETag"]})
    assert ok.status_code == 200, ok.text
    assert ok.headers["ETag"] == '"2"'
    assert ok.json()["behaviours"]["swearing"]["punishable"] == "yes"
    assert ok.json()["updatedBy"] == str(org["legal"].user_id)
    with Session(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "legal_pack.replace")).one()
        assert event.details["changedBehaviours"] == ["swearing"]


def test_only_legal_staff_may_replace_a_pack(client, org):
    url = "/api/v1/legal-packs/nl"
    pack = client.get(url, headers=org["case_handler"].headers)
    body = {k: v for k, v in pack.json().items() if k not in ("version", "updatedAt", "updatedBy")}
    for role in ("case_handler", "admin", "employee"):
        response = client.put(url, json=body, headers={**org[role].headers, "If-Match": '"1"'})
        assert response.status_code == 403, role


def test_invalid_pack_is_refused_and_nothing_changes(client, org):
    url = "/api/v1/legal-packs/nl"
    pack = client.get(url, headers=org["legal"].headers)
    body = {k: v for k, v in pack.json().items() if k not in ("version", "updatedAt", "updatedBy")}
    del body["behaviours"]["doxxing"]
    body["behaviours"]["insult"]["punishable"] = "maybe"
    body["behaviours"]["threat"]["articles"] = []
    body["behaviours"]["unknown_behaviour"] = body["behaviours"]["insult"]
    headers = {**org["legal"].headers, "If-Match": pack.headers["ETag"]}
    response = client.put(url, json=body, headers=headers)
    assert response.status_code == 400
    names = {e["name"] for e in response.json()["errors"]}
    assert "behaviours/insult/punishable" in names
    assert "behaviours/threat/articles" in names
    wrong_country = {
        **{k: v for k, v in pack.json().items() if k not in ("version", "updatedAt", "updatedBy")},
        "country": "DK",
    }
    response = client.put(url, json=wrong_country, headers=headers)
    assert response.status_code == 400
    assert response.json()["errors"][0]["name"] == "country"
    assert client.get(url, headers=org["legal"].headers).headers["ETag"] == '"1"'


def test_packs_are_per_organisation(client, org, other_org):
    url = "/api/v1/legal-packs/nl"
    pack = client.get(url, headers=org["legal"].headers)
    body = {k: v for k, v in pack.json().items() if k not in ("version", "updatedAt", "updatedBy")}
    body["source"] = "Utrecht's own reading"
    client.put(url, json=body, headers={**org["legal"].headers, "If-Match": '"1"'})
    theirs = client.get(url, headers=other_org["case_handler"].headers).json()
    assert theirs["source"] != "Utrecht's own reading"
    assert theirs["version"] == 1


def test_assessment_suggests_articles_per_behaviour(client, org):
    incident = make_incident(client, org["case_handler"], behaviours=["insult", "stalking", "coercion"])
    response = client.get(
        f"/api/v1/incidents/{incident['id']}/legal-assessment", headers=org["case_handler"].headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["pack"] == "nl"
    assert [a["code"] for a in body["suggestedArticles"]] == [
        "Sr 266",
        "Sr 267",
        "Sr 285b",
        "Sr 179",
        "Sr 284",
    ]
    assert body["punishable"] == "yes"
    coercion = next(b for b in body["behaviours"] if b["behaviour"] == "coercion")
    assert coercion["punishable"] == "under_circumstances"
    assert "ambtshandeling" in coercion["condition"]["nl"]
    # Insult and stalking are criminal offences: the Dutch pack reports every one (H, W).
    assert body["policeReportRequired"] is True
    assert body["policeReportReasonCode"] == "criminal_offence"
    assert {"code": "classification", "classification": "criminal"}.items() <= body["policeReportReasons"][
        0
    ].items()
    assert body["removalGate"] == "hard"
    assert body["signals"] == []


def test_assessment_uses_the_danish_pack_for_a_danish_organisation(client, other_org):
    incident = make_incident(client, other_org["case_handler"], behaviours=["defamation"])
    body = client.get(
        f"/api/v1/incidents/{incident['id']}/legal-assessment", headers=other_org["case_handler"].headers
    ).json()
    assert body["pack"] == "dk"
    assert [a["code"] for a in body["suggestedArticles"]] == ["Strfl. § 267"]


def test_assessment_of_a_foreign_or_hidden_incident_is_not_found(client, org, other_org):
    theirs = make_incident(client, other_org["case_handler"])
    response = client.get(f"/api/v1/incidents/{theirs['id']}/legal-assessment", headers=org["legal"].headers)
    assert response.status_code == 404
    hidden = make_incident(client, org["case_handler"])
    response = client.get(
        f"/api/v1/incidents/{hidden['id']}/legal-assessment", headers=org["employee"].headers
    )
    assert response.status_code == 404


def test_death_threat_requires_police_report_and_creates_the_action_with_due_date(client, org, engine):
    incident = make_incident(client, org["employee"], behaviours=["death_threat"])
    assert incident["policeReportRequired"] is True
    actions = client.get(f"/api/v1/incidents/{incident['id']}/actions", headers=org["case_handler"].headers)
    assert actions.status_code == 200, actions.text
    [action] = actions.json()["items"]
    assert action["kind"] == "police_report"
    assert action["status"] == "open"
    assert action["dueAt"] is not None
    assessment = client.get(
        f"/api/v1/incidents/{incident['id']}/legal-assessment", headers=org["case_handler"].headers
    ).json()
    assert assessment["policeReportRequired"] is True
    assert "aangifte" in assessment["policeReportReason"]


def test_death_threat_added_later_creates_the_police_report_action_once(client, org, engine):
    incident = make_incident(client, org["case_handler"], behaviours=["insult"])
    url = f"/api/v1/incidents/{incident['id']}"
    for behaviours in (["insult", "death_threat"], ["death_threat"]):
        etag = client.get(url, headers=org["case_handler"].headers).headers["ETag"]
        response = client.patch(
            url, json={"behaviours": behaviours}, headers={**org["case_handler"].headers, "If-Match": etag}
        )
        assert response.status_code == 200, response.text
        assert response.json()["policeReportRequired"] is True
    with Session(engine) as session:
        assert len(session.exec(select(Action).where(Action.kind == "police_report")).all()) == 1


def test_political_office_holder_sets_protocol_not_applicable_with_explanation(client, org):
    incident = make_incident(client, org["case_handler"], behaviours=["threat"], politicalOfficeHolder=True)
    assert incident["protocolNotApplicable"] is True
    assert incident["politicalOfficeHolder"] is True
    assert "politieke ambtsdragers" in incident["protocolNotApplicableReason"]
    assessment = client.get(
        f"/api/v1/incidents/{incident['id']}/legal-assessment", headers=org["case_handler"].headers
    ).json()
    assert "Sr 121" in [a["code"] for a in assessment["suggestedArticles"]]
    assert assessment["politicalOfficeHolder"] is True


def test_political_office_holder_keeps_an_explanation_given_by_the_reporter(client, org):
    incident = make_incident(
        client,
        org["case_handler"],
        politicalOfficeHolder=True,
        protocolNotApplicableReason="Wethouder; handled by the mayor's cabinet.",
    )
    assert incident["protocolNotApplicableReason"] == "Wethouder; handled by the mayor's cabinet."


def test_political_office_holder_must_be_a_boolean(client, org):
    response = client.post(
        "/api/v1/incidents",
        json={
            "title": "x",
            "occurredAt": "2026-03-02T09:30:00Z",
            "platform": "x",
            "behaviours": ["threat"],
            "politicalOfficeHolder": "mayor",
        },
        headers=org["case_handler"].headers,
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["name"] == "politicalOfficeHolder"


def test_a_stored_pack_without_a_newer_behaviour_falls_back_to_the_shipped_rule(client, org, engine):
    client.get("/api/v1/legal-packs/nl", headers=org["legal"].headers)
    with Session(engine) as session:
        pack = session.exec(select(LegalPack)).one()
        content = dict(pack.content)
        content["behaviours"] = {k: v for k, v in content["behaviours"].items() if k != "doxxing"}
        pack.content = content
        session.add(pack)
        session.commit()
    got = client.get("/api/v1/legal-packs/nl", headers=org["legal"].headers)
    assert got.status_code == 200
    assert got.json()["behaviours"]["doxxing"]["articles"][0]["code"] == "Sr 285d"
    incident = make_incident(client, org["case_handler"], behaviours=["doxxing"])
    assessment = client.get(
        f"/api/v1/incidents/{incident['id']}/legal-assessment", headers=org["legal"].headers
    )
    assert assessment.status_code == 200
    assert [a["code"] for a in assessment.json()["suggestedArticles"]] == ["Sr 285d"]
