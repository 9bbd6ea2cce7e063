"""CSV injection: no cell of any CSV export runs as a formula, in comma or semicolon spreadsheets."""

from __future__ import annotations

import csv
import io
import unicodedata

from tests.fixtures.factories import incident_body

# What a case handler or a linked register may type into the free-text fields that exports carry.
PAYLOADS = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "|calc",
    " =1+1",
    "  @SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "\u3000=1+1",
    "\u200b=1+1",
    "\uff1d1+1",
    "\uff0b1",
    "\uff0d1",
    "\uff20SUM(A1)",
    "\uff5ccalc",
    "harmless;=1+1",
    'harmless; =HYPERLINK("https://evil.example")',
    "harmless;\t+1",
    "harmless;\uff1d1+1",
    "harmless\n=1+1",
    "harmless\r\n@SUM(A1)",
    "=cmd|' /C calc'!A0",
]
DANGER = frozenset("=+-@|")


def _csv_exports(client) -> list[str]:
    """Every GET of the contract that can answer text/csv."""
    contract = client.get("/api/v1/openapi.json").json()
    return sorted(
        path
        for path, operations in contract["paths"].items()
        if "text/csv" in operations.get("get", {}).get("responses", {}).get("200", {}).get("content", {})
    )


def _runs_as_formula(cell: str) -> bool:
    if cell[:1] in ("\t", "\r"):
        return True
    folded = unicodedata.normalize("NFKC", cell)
    return "".join(c for c in folded if unicodedata.category(c) != "Cf").strip()[:1] in DANGER


def test_no_csv_cell_runs_as_a_formula(client, org):
    handler = org["case_handler"].headers
    for number, payload in enumerate(PAYLOADS):
        body = incident_body(
            title=f"Incident {number}",
            externalReferences=[
                {"system": "GIR", "id": f"{payload}#{number}"},
                {"system": "SafetyNet", "id": f"{payload}#{number}"},
            ],
        )
        created = client.post("/api/v1/incidents", json=body, headers=handler)
        assert created.status_code == 201, (payload, created.text)
    exports = _csv_exports(client)
    assert exports == [
        "/exports/gir",
        "/exports/gir.csv",
        "/exports/safetynet",
        "/exports/safetynet.csv",
    ]
    for path in exports:
        # The spreadsheet CSV (.csv: BOM, ";") and the deprecated machine CSV (format=csv: ",").
        spreadsheet = path.endswith(".csv")
        params = {} if spreadsheet else {"format": "csv"}
        response = client.get(f"/api/v1{path}", params=params, headers=handler)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        text = response.content.decode("utf-8-sig")
        separator = ";" if spreadsheet else ","
        # Read as an English spreadsheet (comma) and as a Dutch or Danish one (semicolon).
        for delimiter in (",", ";"):
            cells = [
                cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for cell in row
            ]
            dangerous = [cell for cell in cells if _runs_as_formula(cell)]
            assert not dangerous, (path, delimiter, dangerous)
        rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=separator))
        assert len(rows) == len(PAYLOADS)
        # The text stays readable: only a leading apostrophe was added where needed.
        typed = {f"{p}#{n}" for n, p in enumerate(PAYLOADS)}
        assert {r["registerId"].replace("'", "") for r in rows} == {t.replace("'", "") for t in typed}
        # JSON carries the values as they are: the guard is for spreadsheets only.
        as_json = client.get(f"/api/v1{path.removesuffix('.csv')}", headers=handler).json()["items"]
        assert {i["registerId"] for i in as_json} == typed
