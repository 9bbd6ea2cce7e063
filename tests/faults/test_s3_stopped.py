"""The S3 service killed while a large upload streams into it: 503, nothing kept, and the next upload
after it is back works.

moto's S3 server runs here as a process of its own, killed with SIGKILL. It keeps its objects in
memory, so the restarted service starts empty: the test creates the bucket again, as a real service
(MinIO, Ceph) would still have it. Leftovers in S3 itself therefore cannot be observed here.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlmodel import Session, select

from api.main import create_app
from app.evidence.models import CustodyEvent, Evidence
from tests.evidence.helpers import png
from tests.faults.processes import free_port, serving, start_moto, wait_until
from tests.fixtures.databases import fresh_sqlite
from tests.fixtures.factories import incident_body, make_tenant
from tests.fixtures.s3 import S3Server, use_s3

BOUNDARY = "weerbaar-faults-boundary"
MIB = 1024 * 1024


@pytest.fixture
def database_url(tmp_path, sqlite_template) -> str:
    """SQLite only: the store is what fails here."""
    return fresh_sqlite(sqlite_template, tmp_path)


def _uploads_in_progress(server: S3Server, bucket: str) -> bool:
    # minio has no public call for this listing; the test only watches the service.
    result = server.client()._list_multipart_uploads(bucket)
    return bool(result.uploads)


def test_upload_gets_503_when_s3_is_killed_mid_stream_and_the_next_one_works(settings, tmp_path):
    port = free_port()
    moto = start_moto(port, tmp_path / "moto-1.log")
    s3 = S3Server(endpoint=f"127.0.0.1:{port}")
    settings = use_s3(settings, s3).model_copy(update={"s3_timeout_seconds": 2.0})
    app = create_app(settings)
    engine = app.state.engine
    tenant = make_tenant(engine, slug="utrecht", roles=("case_handler",))
    headers = tenant["case_handler"].headers
    try:
        with serving(app) as base:
            incident = httpx.post(f"{base}/api/v1/incidents", json=incident_body(), headers=headers)
            assert incident.status_code == 201, incident.text
            url = f"{base}/api/v1/incidents/{incident.json()['id']}/evidence"

            def body() -> Iterator[bytes]:
                yield (
                    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n'
                    "Content-Type: image/png\r\n\r\n"
                ).encode()
                yield png()
                for _ in range(21):
                    yield b"\0" * MIB
                # The first part is on its way to S3: now the service dies.
                wait_until(lambda: _uploads_in_progress(s3, settings.s3_bucket), what="a multipart upload")
                moto.kill()
                yield b"\0" * MIB
                yield f"\r\n--{BOUNDARY}--\r\n".encode()

            response = httpx.post(
                url,
                content=body(),
                headers={**headers, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
                timeout=60,
            )
            assert response.status_code == 503, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["retry-after"] == "5"
            assert "evidence store" in response.json()["detail"]
            with Session(engine) as session:
                assert session.exec(select(Evidence)).all() == []
                assert session.exec(select(CustodyEvent)).all() == []

            moto = start_moto(port, tmp_path / "moto-2.log")
            s3.client().make_bucket(settings.s3_bucket, object_lock=True)
            files = {"file": ("after.png", png(seed=7), "image/png")}
            again = httpx.post(url, files=files, headers=headers, timeout=30)
            assert again.status_code == 201, again.text
            stored = [o.object_name for o in s3.client().list_objects(settings.s3_bucket, recursive=True)]
            assert len(stored) == 1
        with Session(engine) as session:
            assert len(session.exec(select(Evidence)).all()) == 1
    finally:
        moto.stop()
        engine.dispose()
