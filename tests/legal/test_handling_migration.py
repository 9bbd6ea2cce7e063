"""Migration 0023: the handling facts (perpetrator link, political office holder, repeat signal) move
from incident_handling onto the incident and back, with the signal's article from the pack; a
Danish organisation's stored pack loses the Dutch political-office exception it was shipped with."""

from __future__ import annotations

from sqlmodel import Session, select

from app.legal.models import LegalPack
from app.migrate import downgrade, upgrade
from tests.fixtures.handling import make_incident

BEFORE = "0022_web_capture"
SHIPPED_DK_POLITICAL = {
    "articles": [{"code": "Strfl. § 119", "title": {"nl": "x", "da": "x", "en": "x"}}],
    "explanation": {
        "nl": "x",
        "da": "x",
        "en": "The guideline on digital violations covers employees, not elected politicians (mayor, "
        "council members). Threats against them fall under § 119; handle the report through the "
        "mayor's office.",
    },
}


def test_handling_facts_survive_a_downgrade_and_upgrade(client, org, other_org, engine, database_url):
    handler = org["case_handler"]
    record = client.post("/api/v1/perpetrators", json={"name": "J. Jansen"}, headers=handler.headers)
    assert record.status_code == 201, record.text
    linked = [
        make_incident(
            client,
            handler,
            perpetratorId=record.json()["id"],
            politicalOfficeHolder=n == 0,
            occurredAt=f"2026-03-0{n + 1}T09:30:00Z",
        )
        for n in range(3)
    ]
    before = [client.get(f"/api/v1/incidents/{i['id']}", headers=handler.headers).json() for i in linked]
    assert all(b["signals"] and b["signals"][0]["articles"] == ["Sr 285b"] for b in before)
    client.get("/api/v1/legal-packs/dk", headers=other_org["case_handler"].headers)  # the Danish copy, stored
    with Session(engine) as session:
        pack = session.exec(select(LegalPack).where(LegalPack.country == "dk")).one()
        pack.content = {**pack.content, "politicalOfficeHolder": SHIPPED_DK_POLITICAL}
        session.add(pack)
        session.commit()
    engine.dispose()

    downgrade(database_url, BEFORE)
    upgrade(database_url)

    for old in before:
        now = client.get(f"/api/v1/incidents/{old['id']}", headers=handler.headers).json()
        for key in ("perpetratorId", "politicalOfficeHolder", "protocolNotApplicable", "signals"):
            assert now[key] == old[key], key
    dk = client.get("/api/v1/legal-packs/dk", headers=other_org["case_handler"].headers).json()
    assert dk["politicalOfficeHolder"] is None
