"""Done when: from the committed contract, openapi-python-client generates a client without warnings,
and that client, unmodified, does an integrator's whole flow against the server on 127.0.0.1.

An admin logs in and creates an API client with a secret through the API; the integration then gets
an access token by client credentials, pushes incidents with an Idempotency-Key (the retry gets the
first response), pages through the changes with updatedSince and sort=updatedAt, PATCHes with the
ETag it got (and reads it again with If-None-Match: 304), uploads evidence and downloads its content,
and downloads the dossier and the spreadsheet CSV export.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta
from types import ModuleType
from urllib.parse import parse_qs, urlsplit

from tests.evidence.helpers import png
from tests.fixtures.factories import PASSWORD, make_tenant
from tests.fixtures.generated_client import Generated, module

SCOPES = ("incidents:read", "incidents:write", "evidence:read", "evidence:write", "exports:read")


def test_the_generated_client_has_no_warnings(generated: Generated) -> None:
    assert "Generating" in generated.output, generated.output
    assert "warning" not in generated.output.lower(), generated.output
    assert "error" not in generated.output.lower(), generated.output
    assert "Skipping" not in generated.output, generated.output


def page_through(gir, models: ModuleType, since: datetime) -> list:  # type: ignore[no-untyped-def]
    """Every incident changed since `since`, oldest change first, two per page, following `next`."""
    list_incidents = module("api.incidents.list_incidents")
    seen, cursor = [], None
    while True:
        page = list_incidents.sync(
            client=gir,
            updated_since=since,
            sort=models.SortKey.UPDATEDAT,
            limit=2,
            **({"cursor": cursor} if cursor else {}),
        )
        assert isinstance(page, models.IncidentPage), page
        seen.extend(page.items)
        if not isinstance(page.next_, str):
            return seen
        (cursor,) = parse_qs(urlsplit(page.next_).query)["cursor"]


def test_an_integrator_does_the_whole_flow(client_package: ModuleType, live_api) -> None:  # type: ignore[no-untyped-def]
    base, engine = live_api
    models = module("models")
    types = module("types")
    tenant = make_tenant(engine, slug="gir", roles=("admin",))
    anonymous = client_package.Client(base_url=base, raise_on_unexpected_status=True)

    # An admin logs in and creates the API client with its secret, through the API.
    login = module("api.sessions.create_session").sync(
        client=anonymous, body=models.LoginRequest(email=tenant["admin"].email, password=PASSWORD)
    )
    assert isinstance(login, models.SessionCreated), login
    admin = client_package.AuthenticatedClient(
        base_url=base, token=login.token, raise_on_unexpected_status=True
    )
    created = module("api.api_clients.create_api_client").sync(
        client=admin,
        body=models.ApiClientCreate(name="GIR koppeling", scopes=[models.Scope(s) for s in SCOPES]),
    )
    assert isinstance(created, models.ApiClientCreated), created

    # Client credentials (RFC 6749 4.4) give a short-lived access token with the client's scopes.
    granted = module("api.oauth.request_access_token").sync(
        client=anonymous,
        body=models.RequestAccessTokenBody(
            grant_type=models.RequestAccessTokenBodyGrantType.CLIENT_CREDENTIALS,
            client_id=str(created.id),
            client_secret=created.client_secret,
        ),
    )
    assert isinstance(granted, models.AccessTokenResponse), granted
    assert set(granted.scope.split()) == set(SCOPES) and 0 < granted.expires_in <= 3600
    gir = client_package.AuthenticatedClient(
        base_url=base, token=granted.access_token, raise_on_unexpected_status=True
    )

    # Push with an Idempotency-Key; the retry (as after a lost response) gets the first response.
    since = datetime.now(UTC) - timedelta(seconds=5)
    create_incident = module("api.incidents.create_incident")
    pushed = []
    for number in range(3):
        body = models.IncidentCreate(
            title=f"Dreigende reactie {number}",
            occurred_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
            platform=models.Platform("facebook"),
            behaviours=[models.Behaviour("threat")],
            gir_category=models.GirCategory.PERSONAL_THREAT,
        )
        first = create_incident.sync_detailed(client=gir, body=body, idempotency_key=f"gir-{number}")
        assert first.status_code == 201 and isinstance(first.parsed, models.IncidentPublic), first.content
        again = create_incident.sync_detailed(client=gir, body=body, idempotency_key=f"gir-{number}")
        assert (again.status_code, again.content) == (first.status_code, first.content)
        pushed.append(first.parsed)

    # The change feed, page by page: every pushed incident once, in the order of their changes.
    changes = page_through(gir, models, since)
    assert [i.id for i in changes] == [i.id for i in pushed]
    assert [i.updated_at for i in changes] == sorted(i.updated_at for i in changes)

    # PATCH with the ETag the client got; If-None-Match with the new one is a 304.
    get_incident = module("api.incidents.get_incident")
    target = pushed[0]
    read = get_incident.sync_detailed(target.id, client=gir)
    etag = read.headers["ETag"]
    changed = module("api.incidents.update_incident").sync(
        target.id,
        client=gir,
        body=models.IncidentUpdate(description="Ook gemeld bij de politie."),
        if_match=etag,
    )
    assert isinstance(changed, models.IncidentPublic) and changed.description == "Ook gemeld bij de politie."
    fresh = get_incident.sync_detailed(target.id, client=gir)
    assert fresh.headers["ETag"] != etag
    unchanged = get_incident.sync_detailed(target.id, client=gir, if_none_match=fresh.headers["ETag"])
    assert unchanged.status_code == 304
    # The next sync, from the last change seen, brings the patched incident.
    later = page_through(gir, models, changes[-1].updated_at)
    assert target.id in [i.id for i in later]

    # Evidence: upload, then download the very bytes.
    image = png()
    evidence = module("api.evidence.upload_evidence").sync(
        target.id,
        client=gir,
        body=models.UploadEvidenceBody(
            file=types.File(payload=io.BytesIO(image), file_name="capture.png", mime_type="image/png"),
            kind=models.EvidenceKind("screenshot"),
            source_url="https://www.facebook.com/gemeente/posts/1",
        ),
        idempotency_key="gir-evidence-1",
    )
    assert isinstance(evidence, models.EvidencePublic), evidence
    content = module("api.evidence.get_evidence_content").sync(evidence.id, client=gir)
    assert isinstance(content, types.File), content
    assert content.payload.read() == image

    # The dossier (zip) and the spreadsheet CSV export.
    dossier = module("api.evidence.get_incident_dossier").sync(target.id, client=gir)
    assert isinstance(dossier, types.File), dossier
    names = zipfile.ZipFile(io.BytesIO(dossier.payload.read())).namelist()
    assert "manifest.json" in names and len(names) > 1, names
    csv = module("api.exports.export_gir_csv").sync(client=gir)
    assert isinstance(csv, str) and csv.startswith("\ufeffreference;"), csv[:80]
    assert all(i.reference in csv for i in pushed), csv
    for used in (anonymous, admin, gir):
        used.get_httpx_client().close()
