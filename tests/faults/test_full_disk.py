"""A full disk under the filesystem store (the embedded default) during an upload: 507 with a clear
title, and nothing kept: no row, no file, no temp file. The disk is real: a 2 MiB tmpfs mounted as
the evidence directory (a loop-mounted ext4 image where tmpfs cannot be mounted); it needs root,
so it is skipped elsewhere, except in CI (which runs as root)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.evidence.models import CustodyEvent, Evidence
from tests.evidence.helpers import assert_problem, create_incident, png, upload
from tests.fixtures.databases import fresh_sqlite
from tests.fixtures.postgres import unavailable

DISK_BYTES = 2 * 1024 * 1024


@pytest.fixture
def database_url(tmp_path, sqlite_template) -> str:
    """SQLite only, outside the small disk: the disk is what fails here."""
    return fresh_sqlite(sqlite_template, tmp_path)


def _run(*cmd: str) -> bool:
    return subprocess.run(cmd, capture_output=True, check=False).returncode == 0


@contextmanager
def small_disk(mount_point: Path) -> Iterator[str]:
    """A real 2 MiB file system at the mount point; which kind it is."""
    if os.geteuid() != 0:
        unavailable("mounting a small disk needs root")
    mount_point.mkdir(parents=True, exist_ok=True)
    kind = "tmpfs"
    if not _run("mount", "-t", "tmpfs", "-o", f"size={DISK_BYTES},mode=0755", "tmpfs", str(mount_point)):
        kind = "loop"
        image = mount_point.parent / "disk.img"
        with open(image, "wb") as handle:
            handle.truncate(DISK_BYTES)
        if not (
            _run("mkfs.ext4", "-q", "-F", "-m", "0", str(image))
            and _run("mount", "-o", "loop", str(image), str(mount_point))
        ):
            unavailable("neither a tmpfs nor a loop device could be mounted")
    try:
        yield kind
    finally:
        _run("umount", "-l", str(mount_point))


def test_upload_onto_a_full_disk_is_refused_with_507_and_leaves_nothing(app, client, engine, org, settings):
    evidence_dir = settings.data_dir / "evidence"
    with small_disk(evidence_dir):
        incident = create_incident(client, org["case_handler"])
        too_big = png() + b"\0" * (3 * 1024 * 1024)
        response = upload(client, incident["id"], org["case_handler"], too_big)
        body = assert_problem(response, 507)
        assert body["title"] == "Insufficient storage"
        assert body["type"].endswith("/problems/storage-full")
        assert "full" in body["detail"] and "nothing was kept" in body["detail"]
        assert [p for p in evidence_dir.rglob("*") if p.is_file()] == []
        with Session(engine) as session:
            assert session.exec(select(Evidence)).all() == []
            assert session.exec(select(CustodyEvent)).all() == []

        # The space was given back: a file that fits is stored.
        assert upload(client, incident["id"], org["case_handler"], png(seed=3)).status_code == 201
        assert len([p for p in evidence_dir.rglob("*") if p.is_file()]) == 1
