"""An organisation's legal pack decides the outcome through the API: legal staff edit it and the
classification, the police report, the removal gate and the register categories follow; the
Danish organisation gets Silkeborg's rules (no Dutch rule without a Danish source)."""

from __future__ import annotations

from tests.fixtures.handling import PLATFORM_NOTICE, add_evidence, make_incident, patch

READ_ONLY = ("version", "updatedAt", "updatedBy")


def _assessment(client, member, incident):
    response = client.get(f"/api/v1/incidents/{incident['id']}/legal-assessment", headers=member.headers)
    assert response.status_code == 200, response.text
    return response.json()


def _export_row(client, member, register, incident):
    response = client.get(f"/api/v1/exports/{register}", headers=member.headers)
    assert response.status_code == 200, response.text
    return next(i for i in response.json()["items"] if i["incidentId"] == incident["id"])


def _send(client, org, incident):
    """A platform notice with evidence for every URL, asked to be sent: the response."""
    for seed, url in enumerate(PLATFORM_NOTICE["urls"]):
        add_evidence(client, org["case_handler"], incident_id=incident["id"], url=url, seed=seed)
    created = client.post(
        f"/api/v1/incidents/{incident['id']}/takedown-requests",
        json=PLATFORM_NOTICE,
        headers=org["case_handler"].headers,
    )
    assert created.status_code == 201, created.text
    return patch(
        client, f"/api/v1/takedown-requests/{created.json()['id']}", {"status": "sent"}, org["case_handler"]
    )


def test_an_edited_dutch_pack_changes_classification_police_report_gate_and_gir(client, org):
    handler, legal = org["case_handler"], org["legal"]
    before = make_incident(client, handler, behaviours=["swearing"])
    assert before["classification"] == ["actionable"] and before["policeReportRequired"] is False
    assessed = _assessment(client, handler, before)
    assert assessed["policeReportSuggested"] is True
    assert assessed["policeReportReasonCode"] == "under_circumstances"
    assert _export_row(client, handler, "gir", before)["category"] == "(non-)verbale agressie"

    got = client.get("/api/v1/legal-packs/nl", headers=legal.headers)
    pack = {k: v for k, v in got.json().items() if k not in READ_ONLY}
    pack["behaviours"]["swearing"]["punishable"] = "yes"
    pack["policeReport"]["removal"]["gate"] = "warning"
    pack["registers"]["gir"]["personalThreatBehaviours"].append("swearing")
    saved = client.put(
        "/api/v1/legal-packs/nl", json=pack, headers={**legal.headers, "If-Match": got.headers["ETag"]}
    )
    assert saved.status_code == 200, saved.text

    after = make_incident(client, handler, behaviours=["swearing"])
    assert after["classification"] == ["criminal"]
    assert after["policeReportRequired"] is True  # every criminal offence (H, W)
    assessed = _assessment(client, handler, after)
    assert assessed["policeReportReasonCode"] == "criminal_offence"
    assert assessed["removalGate"] == "warning"
    assert _export_row(client, handler, "gir", after)["category"] == "persoonlijke bedreiging"
    # With the gate a warning, removal does not wait for the open police report.
    assert _send(client, org, after).status_code == 200


def test_the_dutch_hard_gate_refuses_removal_before_the_police_report(client, org):
    incident = make_incident(client, org["case_handler"], behaviours=["death_threat"])
    assert incident["severity"] == "high"  # the pack's default for a death threat
    refused = _send(client, org, incident)
    assert refused.status_code == 409
    assert [e["code"] for e in refused.json()["errors"]] == ["police-report-pending"]


def test_a_threat_against_the_organisation_requires_a_police_report_in_the_netherlands(client, org):
    handler = org["case_handler"]
    incident = make_incident(client, handler, behaviours=["threat"], targets=["organisation"])
    # Classified as not criminal by the case handler: the organisation-threat rule still holds (A 4).
    override = {
        "classificationOverride": {"categories": ["actionable"], "reason": "Not aimed at one person."}
    }
    changed = patch(client, f"/api/v1/incidents/{incident['id']}", override, handler)
    assert changed.status_code == 200, changed.text
    assert changed.json()["policeReportRequired"] is True
    assessed = _assessment(client, handler, incident)
    assert [r["code"] for r in assessed["policeReportReasons"]] == ["organisation_threat"]
    assert assessed["policeReportReasonCode"] == "organisation_threat"
    assert "Almere" in assessed["policeReportReasons"][0]["source"]["document"]


def test_a_danish_organisation_follows_silkeborg(client, other_org):
    handler = other_org["case_handler"]
    incident = make_incident(client, handler, behaviours=["death_threat"], politicalOfficeHolder=True)
    # No Danish source for "always report a death threat" or the political-office exception.
    assert incident["policeReportRequired"] is False
    assert incident["protocolNotApplicable"] is False
    assert incident["severity"] == "medium"
    assessed = _assessment(client, handler, incident)
    assert assessed["policeReportSuggested"] is True
    assert assessed["removalGate"] == "warning"
    assert "Silkeborg" in assessed["removalGateSource"]["document"]
    assert {r["source"]["document"] for r in assessed["policeReportReasons"]} == {
        "Silkeborg Kommunes retningslinje for forebyggelse og håndtering af digitale krænkelser"
    }
    assert "Strfl. § 119A" in [a["code"] for a in assessed["suggestedArticles"]]
    assert _export_row(client, handler, "safetynet", incident)["category"] == (
        "mindre vold, trusler og anden krænkende adfærd"
    )
    changed = patch(client, f"/api/v1/incidents/{incident['id']}", {"strongReaction": True}, handler)
    assert changed.status_code == 200, changed.text
    assert changed.json()["strongReaction"] is True
    row = _export_row(client, handler, "safetynet", incident)
    assert row["category"] == "arbejdsskade" and row["workInjury"] is True
    cleared = patch(client, f"/api/v1/incidents/{incident['id']}", {"strongReaction": None}, handler)
    assert cleared.status_code == 400 and cleared.json()["errors"][0]["code"] == "not_null"
