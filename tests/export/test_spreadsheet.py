"""The spreadsheet CSV exports open in Dutch and Danish Excel as they are: BOM, ";", CRLF, local times
to the second, the organisation's words next to the codes; the JSON exports keep their shape."""

from __future__ import annotations

import csv
import io
import re

from app.export.labels import COLUMN_LABELS, LANGUAGES
from app.export.service import COLUMNS
from tests.fixtures.factories import incident_body

BOM = b"\xef\xbb\xbf"
HEADER = [
    "reference", "incidentId", "registerId", "category", "categoryLabel", "workInjury", "occurredAt",
    "reportedAt", "behaviours", "behavioursLabel", "classification", "classificationLabel", "platform",
    "platformLabel", "locationKind", "locationKindLabel", "severity", "severityLabel", "status",
    "statusLabel", "policeReportRequired", "affectedEmployeeCount", "perpetratorKnown",
    "protocolNotApplicable", "closedAt", "timeZone",
]  # fmt: skip
LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def open_as_excel(content: bytes) -> list[dict[str, str]]:
    """Read the bytes as Dutch or Danish Excel does: a UTF-8 BOM, ";" between cells, CRLF lines."""
    assert content.startswith(BOM), content[:20]
    text = content[len(BOM) :].decode("utf-8")
    assert "\n" not in text.replace("\r\n", ""), "every line ends with CRLF, no bare LF"
    assert text.endswith("\r\n")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"', strict=True)
    header, *lines = list(reader)
    assert header == HEADER
    assert all(len(line) == len(header) for line in lines)
    return [dict(zip(header, line, strict=True)) for line in lines]


def _create(client, headers, **overrides) -> dict:
    response = client.post("/api/v1/incidents", json=incident_body(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_gir_csv_opens_in_dutch_excel_with_dutch_labels_and_local_times(client, org):
    handler = org["case_handler"].headers
    winter = _create(
        client,
        handler,
        behaviours=["threat", "doxxing"],
        occurredAt="2026-03-02T09:30:00.123456Z",
        locationKind="employee_account",
        externalReferences=[{"system": "GIR", "id": "G;1"}],
    )
    summer = _create(
        client,
        handler,
        behaviours=["insult", "swearing"],
        platform="x",
        occurredAt="2026-07-01T22:15:00Z",
        girCategory="persoonlijke bedreiging",
        severity="high",
    )
    response = client.get("/api/v1/exports/gir.csv", headers=org["privacy_officer"].headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8; header=present"
    assert response.headers["content-disposition"] == 'attachment; filename="gir-export.csv"'
    assert response.headers["content-language"] == "nl"
    rows = {r["incidentId"]: r for r in open_as_excel(response.content)}

    first = rows[winter["id"]]
    assert first["reference"] == winter["reference"]
    assert first["registerId"] == "G;1"  # quoted as RFC 4180 wants, one cell again
    assert first["category"] == "persoonlijke bedreiging"
    assert first["categoryLabel"] == "Persoonlijke bedreiging"
    assert first["behaviours"] == "threat;doxxing"
    assert first["behavioursLabel"] == "Bedreiging; Doxing (persoonsgegevens publiceren)"
    assert first["classificationLabel"] == "Strafbaar feit; Privacyschending"  # doxxing: privacy
    assert first["locationKindLabel"] == "Het eigen account van de medewerker"
    assert first["severity"] == "medium" and first["severityLabel"] == "Gemiddeld"
    assert first["statusLabel"] == "Gemeld"
    assert first["platformLabel"] == "Facebook"
    # Winter time (UTC+1), without the microseconds; the zone in its own column.
    assert first["occurredAt"] == "2026-03-02 10:30:00"
    assert LOCAL_TIME.match(first["reportedAt"]), first["reportedAt"]
    assert first["closedAt"] == "" and first["workInjury"] == ""
    assert first["timeZone"] == "Europe/Amsterdam"
    assert first["policeReportRequired"] in ("true", "false")

    second = rows[summer["id"]]
    assert second["occurredAt"] == "2026-07-02 00:15:00"  # summer time (UTC+2): the next day
    assert second["category"] == "persoonlijke bedreiging"  # the case handler's choice wins
    assert second["behavioursLabel"] == "Belediging; Schelden"
    assert second["platformLabel"] == "X (Twitter)" and second["severityLabel"] == "Hoog"
    # Oldest first, as in the JSON.
    assert list(rows) == [winter["id"], summer["id"]]


def test_safetynet_csv_opens_in_danish_excel_with_danish_labels(client, org, other_org):
    handler = other_org["case_handler"].headers
    minor = _create(client, handler, behaviours=["insult"], occurredAt="2026-01-15T12:00:00Z")
    # Silkeborg: a work injury when the employee reacts strongly (not for every death threat).
    serious = _create(
        client, handler, behaviours=["death_threat"], occurredAt="2026-08-01T06:00:00Z", strongReaction=True
    )
    _create(client, org["case_handler"].headers)  # another organisation's: not in this export
    response = client.get("/api/v1/exports/safetynet.csv", headers=other_org["admin"].headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-language"] == "da"
    rows = {r["incidentId"]: r for r in open_as_excel(response.content)}
    assert set(rows) == {minor["id"], serious["id"]}
    assert rows[minor["id"]]["category"] == "mindre vold, trusler og anden krænkende adfærd"
    assert rows[minor["id"]]["categoryLabel"] == "Mindre vold, trusler og anden krænkende adfærd"
    assert rows[minor["id"]]["workInjury"] == "false"
    assert rows[minor["id"]]["behavioursLabel"] == "Fornærmelse"
    assert rows[minor["id"]]["occurredAt"] == "2026-01-15 13:00:00"
    assert rows[minor["id"]]["timeZone"] == "Europe/Copenhagen"
    assert rows[serious["id"]]["category"] == "arbejdsskade"
    assert rows[serious["id"]]["categoryLabel"] == "Arbejdsskade"
    assert rows[serious["id"]]["workInjury"] == "true"
    assert rows[serious["id"]]["behavioursLabel"] == "Dødstrussel"
    assert rows[serious["id"]]["statusLabel"] == "Anmeldt"
    assert rows[serious["id"]]["occurredAt"] == "2026-08-01 08:00:00"
    # Æ, ø and å survive: UTF-8 behind the BOM, not the Windows code page.
    assert "krænkende adfærd".encode() in response.content


def test_spreadsheet_csv_guards_formulas_ranges_and_access(client, org, engine):
    handler = org["case_handler"].headers
    _create(client, handler, externalReferences=[{"system": "GIR", "id": "=HYPERLINK(1)"}])
    rows = open_as_excel(client.get("/api/v1/exports/gir.csv", headers=handler).content)
    assert rows[0]["registerId"] == "'=HYPERLINK(1)"
    inverted = client.get(
        "/api/v1/exports/gir.csv?occurredFrom=2026-04-01T00:00:00Z&occurredTo=2026-03-01T00:00:00Z",
        headers=handler,
    )
    assert inverted.status_code == 400
    assert inverted.json()["errors"][0]["name"] == "occurredTo"
    ranged = client.get("/api/v1/exports/gir.csv?occurredFrom=2026-04-01T00:00:00Z", headers=handler).content
    assert open_as_excel(ranged) == []  # the header alone
    assert client.get("/api/v1/exports/safetynet.csv", headers=org["employee"].headers).status_code == 403
    assert client.get("/api/v1/exports/gir.csv").status_code == 401


def test_json_exports_keep_their_shape_and_the_machine_csv_stays(client, org):
    handler = org["case_handler"].headers
    _create(client, handler, behaviours=["threat"], occurredAt="2026-03-02T09:30:00Z")
    body = client.get("/api/v1/exports/gir", headers=handler).json()
    assert set(body) == {"system", "occurredFrom", "occurredTo", "generatedAt", "items"}
    (item,) = body["items"]
    assert list(item) == list(COLUMNS)
    assert item["occurredAt"] == "2026-03-02T09:30:00Z"  # UTC as before
    assert item["category"] == "persoonlijke bedreiging"
    # The deprecated machine CSV: ",", no BOM, UTC, the JSON keys only.
    machine = client.get("/api/v1/exports/gir?format=csv", headers=handler)
    assert not machine.content.startswith(BOM)
    header, line = list(csv.reader(io.StringIO(machine.text, newline="")))
    assert header == list(COLUMNS)
    assert line[COLUMNS.index("occurredAt")] == "2026-03-02T09:30:00Z"


def test_export_labels_are_the_words_of_the_ui():
    """The export's labels and the UI's translations of the same codes agree in every language."""
    from web import vocabulary
    from web.i18n import translations

    sources = {
        "category": {**vocabulary.GIR_CATEGORIES, **vocabulary.SAFETYNET_CATEGORIES},
        "behaviours": vocabulary.BEHAVIOURS,
        "classification": vocabulary.CLASSIFICATIONS,
        "platform": vocabulary.PLATFORMS,
        "locationKind": vocabulary.LOCATION_KINDS,
        "severity": vocabulary.SEVERITIES,
        "status": vocabulary.STATUSES,
    }
    for column, labels in COLUMN_LABELS.items():
        assert set(labels) == set(sources[column]), column
        for language in LANGUAGES:
            gettext = translations(language).gettext
            for code, words in labels.items():
                expected = gettext(str(sources[column][code]))
                assert words[LANGUAGES.index(language)] == expected, (column, code, language)


def test_the_mapping_document_lists_every_code_with_its_labels():
    from pathlib import Path

    document = (Path(__file__).resolve().parents[2] / "openapi" / "exports.md").read_text()
    for column, labels in COLUMN_LABELS.items():
        assert f"`{column}`" in document, column
        for code, (english, dutch, danish) in labels.items():
            assert f"| `{code}` | {english} | {dutch} | {danish} |" in document, (column, code)
    for column in (*COLUMNS, "timeZone"):
        assert f"`{column}`" in document, column
