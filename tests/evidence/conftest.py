"""Evidence tests run on the filesystem store; tests parametrized with store_kind also on S3."""

from __future__ import annotations

import pytest

from app.config import Settings
from tests.fixtures.s3 import use_s3


@pytest.fixture
def store_kind(request: pytest.FixtureRequest) -> str:
    """filesystem, unless a test parametrizes it (indirect) with s3."""
    return str(getattr(request, "param", "filesystem"))


@pytest.fixture
def settings(settings: Settings, store_kind: str, request: pytest.FixtureRequest) -> Settings:
    """The app's settings on the chosen store."""
    if store_kind == "s3":
        return use_s3(settings, request.getfixturevalue("s3_server"))
    return settings
