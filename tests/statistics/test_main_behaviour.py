"""Statistics count incidents: besides the behaviours mentioned, each incident counts once under its
main (gravest) behaviour by the organisation's legal pack, so a chart of types adds up to incidents."""

from __future__ import annotations

from tests.fixtures.handling import make_incident


def test_each_incident_counts_once_under_its_gravest_behaviour(client, org):
    member = org["case_handler"]
    make_incident(client, member, behaviours=["insult", "death_threat"], occurredAt="2026-03-02T09:30:00Z")
    make_incident(client, member, behaviours=["insult"], occurredAt="2026-03-05T09:30:00Z")
    make_incident(client, member, behaviours=["doxxing", "swearing"], occurredAt="2026-04-01T09:30:00Z")
    response = client.get(
        "/api/v1/statistics?occurredFrom=2026-03-01T00:00:00Z&occurredTo=2026-05-01T00:00:00Z",
        headers=member.headers,
    )
    assert response.status_code == 200, response.text
    stats = response.json()
    mentions = {c["key"]: c["count"] for c in stats["byBehaviour"]}
    main = {c["key"]: c["count"] for c in stats["byMainBehaviour"]}
    assert stats["total"] == 3 and sum(mentions.values()) == 5
    assert sum(main.values()) == 3
    assert main["death_threat"] == 1 and main["insult"] == 1
    assert "swearing" not in main  # doxxing is the graver of the two
    for month in stats["monthly"]:
        assert sum(c["count"] for c in month["byMainBehaviour"]) == month["total"]
    assert [m["total"] for m in stats["monthly"]] == [2, 1]
