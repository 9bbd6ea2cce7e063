"""The register categories are enumerations: the API refuses unknown ones with a field error, null
clears a choice (the export derives the category again), the UI offers them as choices."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from tests.fixtures.factories import Tenant, incident_body
from tests.web.helpers import log_in


def _field_errors(response) -> dict[str, str]:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return {e["name"]: e["code"] for e in response.json()["errors"]}


def test_unknown_categories_are_refused_and_null_derives_again(client, org):
    handler = org["case_handler"].headers
    refused = client.post(
        "/api/v1/incidents",
        json=incident_body(girCategory="discriminatie", safetynetCategory="Arbejdsskade "),
        headers=handler,
    )
    assert _field_errors(refused) == {"girCategory": "enum", "safetynetCategory": "enum"}
    created = client.post(
        "/api/v1/incidents",
        json=incident_body(
            behaviours=["insult"], girCategory="persoonlijke bedreiging", safetynetCategory="arbejdsskade"
        ),
        headers=handler,
    )
    assert created.status_code == 201, created.text
    incident = created.json()
    assert incident["girCategory"] == "persoonlijke bedreiging"
    assert incident["safetynetCategory"] == "arbejdsskade"
    (row,) = client.get("/api/v1/exports/safetynet", headers=handler).json()["items"]
    assert row["category"] == "arbejdsskade" and row["workInjury"] is True  # the choice counts
    path = f"/api/v1/incidents/{incident['id']}"
    etag = client.get(path, headers=handler).headers["etag"]
    wrong = client.patch(path, json={"girCategory": "bedreiging"}, headers={**handler, "If-Match": etag})
    assert _field_errors(wrong) == {"girCategory": "enum"}
    cleared = client.patch(
        path,
        json={"girCategory": None, "safetynetCategory": None},
        headers={**handler, "If-Match": etag},
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["girCategory"] is None and cleared.json()["safetynetCategory"] is None
    (row,) = client.get("/api/v1/exports/gir", headers=handler).json()["items"]
    assert row["category"] == "(non-)verbale agressie"  # derived from the insult again
    (row,) = client.get("/api/v1/exports/safetynet", headers=handler).json()["items"]
    assert row["category"] == "mindre vold, trusler og anden krænkende adfærd"


def test_the_contract_names_the_categories():
    import json
    from pathlib import Path

    contract = json.loads((Path(__file__).resolve().parents[2] / "openapi" / "openapi.json").read_text())
    schemas = contract["components"]["schemas"]
    assert schemas["GirCategory"]["enum"] == ["(non-)verbale agressie", "persoonlijke bedreiging"]
    assert schemas["SafetynetCategory"]["enum"] == [
        "mindre vold, trusler og anden krænkende adfærd",
        "arbejdsskade",
    ]
    assert schemas["GirCategory"]["x-enum-varnames"] == ["VERBAL_AGGRESSION", "PERSONAL_THREAT"]
    for name in ("IncidentCreate", "IncidentUpdate", "IncidentPublic"):
        refs = json.dumps(schemas[name]["properties"]["girCategory"])
        assert "#/components/schemas/GirCategory" in refs, name
    for path in ("/exports/gir.csv", "/exports/safetynet.csv"):
        assert list(contract["paths"][path]["get"]["responses"]["200"]["content"]) == ["text/csv"]


def test_the_incident_form_offers_the_categories_in_dutch(browser_client: TestClient, tenant: Tenant):
    token = log_in(browser_client)
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    created = browser_client.post(
        "/incidents",
        data={
            "title": "Bedreiging op X",
            "platform": "x",
            "behaviours": "insult",
            "occurredAt": "2026-03-01T12:00",
            "csrf_token": token,
        },
    )
    assert created.status_code == 303, created.text[:500]
    detail = created.headers["location"]
    form = browser_client.get(f"{detail}/edit").text
    gir = re.search(r'<select[^>]*name="girCategory".*?</select>', form, re.S)
    safetynet = re.search(r'<select[^>]*name="safetynetCategory".*?</select>', form, re.S)
    assert gir and safetynet, "the edit form offers both categories as a choice"
    assert "GIR-categorie" in form and "SafetyNet-categorie" in form
    assert '<option value="persoonlijke bedreiging">Persoonlijke bedreiging</option>' in gir.group(0)
    assert "(Non-)verbale agressie" in gir.group(0)
    assert "Arbeidsongeval" in safetynet.group(0)
    etag = re.search(r'name="etag" value="([^"]+)"', form)
    original = re.search(r'name="original" value="([^"]+)"', form)
    assert etag and original
    data = {
        "title": "Bedreiging op X",
        "platform": "x",
        "behaviours": "insult",
        "occurredAt": "2026-03-01T12:00",
        "severity": "medium",
        "status": "reported",
        "girCategory": "persoonlijke bedreiging",
        "safetynetCategory": "",
        "etag": html.unescape(etag.group(1)),
        "original": html.unescape(original.group(1)),
    }
    saved = browser_client.post(detail, data=data, headers=headers)
    assert saved.status_code == 204, saved.text[:1000]
    again = browser_client.get(f"{detail}/edit").text
    assert '<option value="persoonlijke bedreiging" selected>' in again
    # A value the API refuses comes back as a field error in Dutch next to the select.
    etag = re.search(r'name="etag" value="([^"]+)"', again)
    assert etag
    refused = browser_client.post(
        detail,
        data={**data, "girCategory": "discriminatie", "etag": html.unescape(etag.group(1))},
        headers=headers,
    )
    assert refused.status_code == 400
    assert 'id="error-girCategory"' in refused.text
    assert "Kies een van de mogelijkheden." in refused.text
