"""A perpetrator's incident count and repeat signal count only incidents the caller may see."""

from __future__ import annotations

from tests.fixtures.factories import incident_body


def test_a_strictly_confidential_incident_does_not_show_in_a_perpetrators_figures(client, org):
    handler = org["case_handler"].headers
    made = client.post("/api/v1/perpetrators", json={"name": "J. Janssen"}, headers=handler)
    assert made.status_code == 201, made.text
    perpetrator = made.json()["id"]
    for confidentiality in ("normal", "strictly_confidential"):
        body = incident_body(perpetratorId=perpetrator, confidentiality=confidentiality)
        assert client.post("/api/v1/incidents", json=body, headers=handler).status_code == 201

    def count(headers) -> tuple[int, int]:
        one = client.get(f"/api/v1/perpetrators/{perpetrator}", headers=headers).json()["incidentCount"]
        listed = client.get("/api/v1/perpetrators", headers=headers).json()["items"]
        return one, next(p["incidentCount"] for p in listed if p["id"] == perpetrator)

    # Legal counsel sees both; a manager sees only the normal one, in the record and in the list.
    assert count(org["legal"].headers) == (2, 2)
    assert count(org["manager"].headers) == (1, 1)
