"""Migration 0016: stored free-text register categories become the enum values where they are a known
spelling; any other value is cleared and the clearing is in the organisation's audit chain."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.models import AuditEvent
from app.migrate import downgrade, upgrade
from tests.fixtures.factories import incident_body

BEFORE = "0015_sync_updated_at"
STORED = {
    # gir_category, safetynet_category -> what the migration leaves
    ("Persoonlijke  Bedreiging", "Arbejdsskade"): ("persoonlijke bedreiging", "arbejdsskade"),
    ("(non)verbale agressie", "mindre vold trusler og anden krænkende adfærd"): (
        "(non-)verbale agressie",
        "mindre vold, trusler og anden krænkende adfærd",
    ),
    ("verbal aggression", "work injury"): ("(non-)verbale agressie", "arbejdsskade"),
    ("discriminatie", "arbejdsskade"): (None, "arbejdsskade"),
    ("=1+1", None): (None, None),
}


def test_known_spellings_are_mapped_and_the_rest_cleared_with_an_audit_note(
    client, org, engine, database_url
):
    handler = org["case_handler"].headers
    ids = []
    for _ in STORED:
        created = client.post("/api/v1/incidents", json=incident_body(), headers=handler)
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    # Written as earlier versions let any text through (the API refuses these values now).
    with engine.begin() as conn:
        for incident_id, (gir, safetynet) in zip(ids, STORED, strict=True):
            conn.execute(
                text("UPDATE incident SET gir_category = :g, safetynet_category = :s WHERE id = :i"),
                {
                    "g": gir,
                    "s": safetynet,
                    "i": incident_id.replace("-", "") if "sqlite" in database_url else incident_id,
                },
            )
    engine.dispose()
    downgrade(database_url, BEFORE)
    upgrade(database_url)

    for incident_id, expected in zip(ids, STORED.values(), strict=True):
        body = client.get(f"/api/v1/incidents/{incident_id}", headers=handler).json()
        assert (body["girCategory"], body["safetynetCategory"]) == expected, incident_id
    with Session(engine) as session:
        notes = session.exec(
            select(AuditEvent)
            .where(AuditEvent.actor_label == "migration 0016_register_categories")
            .order_by(col(AuditEvent.seq))
        ).all()
        assert [(n.object_id, n.details["cleared"]) for n in notes] == [
            (ids[3], {"girCategory": "discriminatie"}),
            (ids[4], {"girCategory": "=1+1"}),
        ]
        assert all(n.action == "incident.update" and n.actor_kind == "system" for n in notes)
        assert all(n.organisation_id == org.organisation_id for n in notes)
        assert audit.verify(session).ok  # the notes are sealed into the organisation's chain
    # The exports derive the cleared categories again.
    items = client.get("/api/v1/exports/gir", headers=handler).json()["items"]
    assert {i["category"] for i in items} <= {"(non-)verbale agressie", "persoonlijke bedreiging"}
