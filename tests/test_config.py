"""Configuration: embedded defaults, and refusing unsafe production settings."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from app.config import Settings


def test_embedded_default_is_sqlite_under_the_data_dir(tmp_path):
    settings = Settings(data_dir=tmp_path)
    assert settings.effective_database_url == f"sqlite:///{tmp_path.resolve() / 'weerbaar.sqlite3'}"


def test_development_secret_is_generated_once_and_kept(tmp_path):
    first = Settings(data_dir=tmp_path).resolved_secret_key()
    assert len(first) > 40
    assert Settings(data_dir=tmp_path).resolved_secret_key() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("secret", [None, "", "change-me", "short"])
def test_production_refuses_missing_or_default_secret(secret):
    with pytest.raises(ValidationError, match="WEERBAAR_SECRET_KEY"):
        Settings(
            environment="production",
            secret_key=SecretStr(secret) if secret is not None else None,
            database_url="postgresql+psycopg://db/weerbaar",
        )


def test_production_accepts_a_real_secret():
    settings = Settings(
        environment="production", secret_key=SecretStr("x" * 40), database_url="postgresql+psycopg://db/w"
    )
    assert settings.resolved_secret_key() == "x" * 40


def test_settings_come_from_weerbaar_environment_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("WEERBAAR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WEERBAAR_STORAGE_BACKEND", "s3")
    monkeypatch.setenv("WEERBAAR_SESSION_TTL_MINUTES", "30")
    settings = Settings()
    assert settings.data_dir == tmp_path
    assert settings.storage_backend == "s3"
    assert settings.session_ttl_minutes == 30
