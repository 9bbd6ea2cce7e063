"""A client generated from the committed contract with openapi-python-client, unmodified, downloads the
spreadsheet CSV and reads the JSON export with the category enums."""

from __future__ import annotations

import importlib

from fastapi.testclient import TestClient

from tests.fixtures.factories import incident_body
from tests.fixtures.generated_client import PACKAGE, generate, load


def test_the_generated_client_downloads_the_csv(app, client, org):
    client_package = generate()
    output = client_package.output
    # Whatever else the generator says, it has nothing to say about the export operations.
    for name in ("export_gir", "exportGir", "export_safetynet", "exportSafetynet", "Category"):
        assert name not in output, output
    generated = load(client_package)
    gir_csv = importlib.import_module(f"{PACKAGE}.api.exports.export_gir_csv")
    gir_json = importlib.import_module(f"{PACKAGE}.api.exports.export_gir")
    models = importlib.import_module(f"{PACKAGE}.models")

    created = client.post(
        "/api/v1/incidents",
        json=incident_body(occurredAt="2026-03-02T09:30:00Z", girCategory="persoonlijke bedreiging"),
        headers=org["case_handler"].headers,
    )
    assert created.status_code == 201, created.text
    base = "http://testserver/api/v1"
    api = generated.AuthenticatedClient(base_url=base, token="unused", raise_on_unexpected_status=True)
    # The real app, in process, over the generated client's own httpx calls.
    api.set_httpx_client(TestClient(app, base_url=base, headers=org["privacy_officer"].headers))

    text = gir_csv.sync(client=api)
    assert isinstance(text, str) and text.startswith("\ufeffreference;incidentId;")
    download = gir_csv.sync_detailed(client=api)
    assert download.status_code == 200
    assert download.content.startswith(b"\xef\xbb\xbfreference;")
    assert b"\r\n" in download.content and b"2026-03-02 10:30:00" in download.content

    export = gir_json.sync(client=api)
    assert isinstance(export, models.RegisterExport)
    (row,) = export.items
    assert row.category == models.GirCategory.PERSONAL_THREAT
