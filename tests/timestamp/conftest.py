"""Timestamp tests: the app and its job handlers (which read the environment) share one set-up."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.config import Settings, get_settings
from app.jobs.handlers import register_all
from tests.fixtures.factories import SECRET
from tests.fixtures.tsa import Tsa


@pytest.fixture
def tsa_enabled() -> bool:
    """Whether the installation uses the test TSA (a test may override it with False)."""
    return True


@pytest.fixture
def settings(
    settings: Settings, tsa_enabled: bool, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """The app's settings, with the TSA; the environment says the same for the job handlers."""
    env = {
        "WEERBAAR_DATA_DIR": str(settings.data_dir),
        "WEERBAAR_DATABASE_URL": settings.effective_database_url,
        "WEERBAAR_SECRET_KEY": SECRET,
        "WEERBAAR_CREATE_DEMO": "false",
        "WEERBAAR_RUN_JOBS_IN_PROCESS": "false",
    }
    if tsa_enabled:
        tsa: Tsa = request.getfixturevalue("tsa")
        env |= {"WEERBAAR_TSA_URL": tsa.url, "WEERBAAR_TSA_CA_FILE": str(tsa.ca_file)}
        settings = settings.model_copy(update={"tsa_url": tsa.url, "tsa_ca_file": tsa.ca_file})
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if not tsa_enabled:
        monkeypatch.delenv("WEERBAAR_TSA_URL", raising=False)
    get_settings.cache_clear()
    register_all()
    yield settings
    get_settings.cache_clear()
