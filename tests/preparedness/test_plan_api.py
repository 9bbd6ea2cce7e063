"""The preparedness plan: every member of staff reads it, coordinators and administrators keep it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from app.audit.models import AuditEvent

PLAN = {
    "norm": "Wij tolereren geen agressieve uitlatingen over onze medewerkers via sociale media.",
    "monitoring": "Het team Online monitort de accounts van de gemeente, werkdagen 8-18 uur.",
    "response": "De agressiecoördinator reageert namens de organisatie, nooit de medewerker.",
    "searchTerms": ["gemeente Utrecht dreigen", " wethouder kapotmaken ", "gemeente Utrecht dreigen"],
    "removalGuidance": "Leg eerst bewijs vast; vraag daarna de afzender en het platform om verwijdering.",
    "contacts": [
        {"name": "A. de Vries", "role": "Agressiecoördinator", "phone": "+31 30 123 4567"},
        {"name": "Vertrouwenspersoon", "email": "vertrouwen@utrecht.example"},
    ],
    "nextReviewOn": (datetime.now(UTC).date() + timedelta(days=180)).isoformat(),
}


def test_plan_is_read_by_all_staff_and_kept_by_coordinators_and_admins(
    client, org, other_org, engine
) -> None:
    empty = client.get("/api/v1/preparedness-plan", headers=org["employee"].headers)
    assert empty.status_code == 200
    assert empty.headers["ETag"] == '"0"' and empty.json()["version"] == 0 and empty.json()["contacts"] == []

    refused = client.put(
        "/api/v1/preparedness-plan", json=PLAN, headers={**org["employee"].headers, "If-Match": '"0"'}
    )
    assert refused.status_code == 403
    assert (
        client.put("/api/v1/preparedness-plan", json=PLAN, headers=org["case_handler"].headers).status_code
        == 428
    )

    saved = client.put(
        "/api/v1/preparedness-plan", json=PLAN, headers={**org["case_handler"].headers, "If-Match": '"0"'}
    )
    assert saved.status_code == 200, saved.text
    assert saved.headers["ETag"] == '"1"' and saved.json()["reviewOverdue"] is False
    read = client.get("/api/v1/preparedness-plan", headers=org["manager"].headers).json()
    assert read["norm"] == PLAN["norm"] and read["contacts"][1]["email"] == "vertrouwen@utrecht.example"
    # The monitoring officers' filter terms: trimmed, each once, in the order given.
    assert read["searchTerms"] == ["gemeente Utrecht dreigen", "wethouder kapotmaken"]

    stale = client.put(
        "/api/v1/preparedness-plan", json=PLAN, headers={**org["admin"].headers, "If-Match": '"0"'}
    )
    assert stale.status_code == 412
    overdue = {**PLAN, "nextReviewOn": (datetime.now(UTC).date() - timedelta(days=1)).isoformat()}
    by_admin = client.put(
        "/api/v1/preparedness-plan", json=overdue, headers={**org["admin"].headers, "If-Match": '"1"'}
    )
    assert by_admin.status_code == 200 and by_admin.json()["reviewOverdue"] is True

    # Another organisation has its own (still empty) plan.
    assert client.get("/api/v1/preparedness-plan", headers=other_org["admin"].headers).json()["version"] == 0

    with Session(engine) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "preparedness.update")).all()
    assert [e.details["version"] for e in events] == [1, 2]
    assert events[1].details["fields"] == ["next_review_on"]


def test_bad_plan_is_a_400_with_field_errors_and_nothing_changes(client, org) -> None:
    headers = {**org["admin"].headers, "If-Match": '"0"'}
    unreachable = client.put(
        "/api/v1/preparedness-plan", json={**PLAN, "contacts": [{"name": "Alleen een naam"}]}, headers=headers
    )
    assert unreachable.status_code == 400
    assert unreachable.headers["content-type"].startswith("application/problem+json")
    assert [(e["name"], e["code"]) for e in unreachable.json()["errors"]] == [
        ("contacts/0/phone", "contact_unreachable")
    ]
    invalid = client.put(
        "/api/v1/preparedness-plan",
        json={
            **PLAN,
            "norm": "x" * 2001,
            "searchTerms": ["ok", "  ", "y" * 201],
            "contacts": [{"name": "", "email": "geen-adres", "phone": "bel mij"}],
        },
        headers=headers,
    )
    assert invalid.status_code == 400
    assert {e["name"] for e in invalid.json()["errors"]} == {
        "norm",
        "contacts/0/name",
        "contacts/0/email",
        "contacts/0/phone",
        "searchTerms/1",
        "searchTerms/2",
    }
    assert client.get("/api/v1/preparedness-plan", headers=org["admin"].headers).json()["version"] == 0
