"""openapi-python-client reads the committed contract without a warning, and its client, unmodified,
downloads evidence, the dossier, a receipt and a letter, and PATCHes with the ETag it got."""

from __future__ import annotations

import importlib
import io
import zipfile

from fastapi.testclient import TestClient

from tests.contract.world import World
from tests.fixtures.generated_client import PACKAGE, generate, load


def test_the_generated_client_has_no_warnings_and_downloads(
    world: World,
) -> None:
    client = generate()
    output = client.output
    assert "Warning" not in output and "WARNING" not in output, output
    code = "\n".join(p.read_text() for p in (client.directory / PACKAGE).rglob("*.py"))
    assert "Recipientname" not in code and "Occurredat" not in code
    generated = load(client)

    def operation(tag: str, name: str):  # type: ignore[no-untyped-def]
        return importlib.import_module(f"{PACKAGE}.api.{tag}.{name}")

    models = importlib.import_module(f"{PACKAGE}.models")
    types = importlib.import_module(f"{PACKAGE}.types")
    base = "http://testserver/api/v1"
    api = generated.AuthenticatedClient(base_url=base, token="unused", raise_on_unexpected_status=True)
    api.set_httpx_client(TestClient(world.app, base_url=base, headers=world.headers))
    ids = world.ids

    content = operation("evidence", "get_evidence_content").sync(ids["evidenceId"], client=api)
    assert isinstance(content, types.File)
    assert content.payload.read().startswith(b"\x89PNG")
    dossier = operation("evidence", "get_incident_dossier").sync(ids["incidentId"], client=api)
    assert isinstance(dossier, types.File)
    assert "manifest.json" in zipfile.ZipFile(io.BytesIO(dossier.payload.read())).namelist()
    receipt = operation("recording_permissions", "get_recording_permission_receipt").sync(
        ids["recordingPermissionId"], client=api
    )
    assert receipt.payload.read().startswith(b"%PDF")
    letter = operation("takedown_requests", "get_takedown_request_letter").sync(
        ids["takedownRequestId"], client=api
    )
    assert letter.payload.read().startswith(b"%PDF")

    # PATCH with the ETag the client got (If-Match is a required argument), then clear with null.
    update = operation("perpetrators", "update_perpetrator")
    relation = next(iter(models.PerpetratorRelation))
    changed = update.sync(
        ids["perpetratorId"],
        client=api,
        body=models.PerpetratorUpdate(notes="Seen again", relation=relation),
        if_match=current_etag(api, ids),
    )
    assert (changed.notes, changed.relation) == ("Seen again", relation)
    body = models.PerpetratorUpdate(relation=None)
    cleared = update.sync(ids["perpetratorId"], client=api, body=body, if_match=current_etag(api, ids))
    assert cleared.relation is None


def current_etag(api, ids):  # type: ignore[no-untyped-def]
    """The perpetrator's current ETag, read with the generated client."""
    module = importlib.import_module(f"{PACKAGE}.api.perpetrators.get_perpetrator")
    return module.sync_detailed(ids["perpetratorId"], client=api).headers["ETag"]
