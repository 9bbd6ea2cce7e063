"""Capture fixtures: the test pages, and settings that let captures reach 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from app.config import Settings, get_settings
from tests.capture.pages import Pages, serve_pages
from tests.fixtures.factories import SECRET
from tests.fixtures.postgres import unavailable

CHROMIUM = "/usr/bin/chromium"
LOOPBACK = "127.0.0.0/8"


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pages]:
    """The test pages over HTTP and HTTPS."""
    if not os.path.exists(CHROMIUM):
        unavailable(f"{CHROMIUM} is not installed")
    with serve_pages(tmp_path_factory.mktemp("pages")) as served:
        yield served


@pytest.fixture
def settings(database_url: str, tmp_path: Path, pages: Pages) -> Settings:
    """The app's settings: captures may reach loopback (the test pages) and trust the test CA."""
    return Settings(
        data_dir=tmp_path / "var",
        database_url=database_url,
        secret_key=SecretStr(SECRET),
        run_jobs_in_process=False,
        create_demo=False,
        capture_allowed_networks=LOOPBACK,
        capture_ca_file=str(pages.ca_file),
        capture_timeout_seconds=20,
    )


@pytest.fixture
def capture_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The job runner reads its settings from the environment: the same as the app's."""
    monkeypatch.setenv("WEERBAAR_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("WEERBAAR_CAPTURE_ALLOWED_NETWORKS", LOOPBACK)
    monkeypatch.setenv("WEERBAAR_CAPTURE_CA_FILE", settings.capture_ca_file)
    monkeypatch.setenv("WEERBAAR_CAPTURE_TIMEOUT_SECONDS", "20")
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()
