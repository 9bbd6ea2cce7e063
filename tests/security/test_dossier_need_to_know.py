"""The dossier holds exactly what the API gives the same caller: no timeline, network addresses
or colleagues' e-mail addresses that the API would refuse them."""

from __future__ import annotations

import io
import json
import zipfile

from pypdf import PdfReader

from tests.evidence.helpers import create_incident, png, upload


def _dossier(client, incident_id: str, member) -> tuple[dict, str]:
    response = client.get(f"/api/v1/incidents/{incident_id}/dossier", headers=member.headers)
    assert response.status_code == 200, response.text
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(archive.read("report.pdf"))).pages)
    return json.loads(archive.read("manifest.json")), " ".join(text.split())


def test_dossier_gives_each_caller_what_the_api_gives_them(client, org):
    handler = org["case_handler"]
    incident = create_incident(
        client,
        handler,
        affectedEmployees=[{"name": "Employee", "userId": str(org["employee"].user_id)}],
    )
    item = upload(client, incident["id"], handler, png()).json()
    assert client.get(f"/api/v1/evidence/{item['id']}/content", headers=handler.headers).status_code == 200
    seen = {}
    for role in ("employee", "manager", "case_handler"):
        member = org[role]
        manifest, report = _dossier(client, incident["id"], member)
        # The custody log: the same events, with or without network addresses, as the API's.
        api_custody = client.get(f"/api/v1/evidence/{item['id']}/custody-events", headers=member.headers)
        assert api_custody.status_code == 200
        assert manifest["evidence"][0]["custodyEvents"] == api_custody.json()["items"], role
        origins = {e["origin"] for e in manifest["evidence"][0]["custodyEvents"]}
        # The timeline: in the report only for those who may read it through the API.
        timeline = client.get(f"/api/v1/incidents/{incident['id']}/timeline", headers=member.headers)
        assert timeline.status_code in (200, 403)
        shows_timeline = "incident.create" in report or "Tijdlijn" in report or "Timeline" in report
        assert shows_timeline == (timeline.status_code == 200), role
        # The reporter's e-mail address: only for those who may read users through the API.
        reporter = client.get(f"/api/v1/users/{handler.user_id}", headers=member.headers)
        assert reporter.status_code in (200, 403)
        assert (handler.email in report) == (reporter.status_code == 200), role
        # Actions and takedown requests: in the report only for those who may list them through the API.
        for path, heading in (
            ("actions", "Acties en hun uitkomst"),
            ("takedown-requests", "Verzoeken om verwijdering"),
        ):
            listed = client.get(f"/api/v1/incidents/{incident['id']}/{path}", headers=member.headers)
            assert listed.status_code in (200, 403)
            assert (heading in report) == (listed.status_code == 200), (role, path)
        # The incident itself as the API shows it.
        got = client.get(f"/api/v1/incidents/{incident['id']}", headers=member.headers).json()
        assert manifest["incident"]["id"] == got["id"] and manifest["incident"]["title"] == got["title"]
        seen[role] = (origins, timeline.status_code, reporter.status_code)
    assert seen["employee"] == ({None}, 403, 403)
    assert seen["manager"] == ({None}, 200, 200)
    assert None not in seen["case_handler"][0] and seen["case_handler"][1:] == (200, 200)


def test_a_reporter_still_finds_their_own_name_in_their_dossier(client, org):
    incident = create_incident(client, org["employee"])
    upload(client, incident["id"], org["employee"], png(seed=1))
    _manifest, report = _dossier(client, incident["id"], org["employee"])
    assert org["employee"].email in report
