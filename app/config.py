"""Settings from WEERBAAR_* environment variables (pydantic-settings)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Secrets that appear in examples and compose files; never acceptable in production.
KNOWN_DEFAULT_SECRETS = frozenset({"", "change-me", "changeme", "secret", "weerbaar", "development"})


class ConfigurationError(RuntimeError):
    """The configuration cannot be used (e.g. a default secret in production)."""


class Settings(BaseSettings):
    """Runtime configuration; every field maps to WEERBAAR_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="WEERBAAR_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path("./var")
    database_url: str | None = None
    secret_key: SecretStr | None = None
    public_url: str = "http://127.0.0.1:8000"
    # Published in the contract's info.contact: who integrators reach about this deployment.
    contact_name: str = "Weerbaar API support"
    contact_url: str = "https://weerbaar.example/support"
    contact_email: str = "api-support@weerbaar.example"

    storage_backend: Literal["filesystem", "s3"] = "filesystem"
    s3_endpoint: str = "127.0.0.1:9000"
    s3_access_key: str = ""
    s3_secret_key: SecretStr = SecretStr("")
    s3_bucket: str = "weerbaar-evidence"
    s3_region: str | None = None
    s3_secure: bool = True
    s3_object_lock: bool = True
    s3_retention_days: int = 0
    # A stopped S3 service fails a request after this long (and two quick retries), not minutes.
    s3_timeout_seconds: float = 30.0

    session_ttl_minutes: int = 480
    # Failed logins are counted per client address and account (max_failures) and per client
    # address whatever the accounts (max_address_failures); either locks for lockout_seconds.
    login_max_failures: int = 5
    login_max_address_failures: int = 20
    login_lockout_seconds: int = 900
    # OAuth2 client credentials: access token lifetime, and how long a rotated client secret
    # keeps working by default (an admin may choose another overlap per rotation).
    oauth_access_token_minutes: int = Field(default=15, ge=1, le=1440)
    oauth_secret_overlap_minutes: int = Field(default=1440, ge=0, le=43_200)
    # Rate limits (token buckets, in-process: each API process keeps its own). Every
    # authenticated caller (API client, staff session) may send rate_limit_client_requests per
    # rate_limit_window_seconds, all at once or spread out; login and the token endpoint allow
    # rate_limit_address_requests per window from one client address.
    rate_limit_enabled: bool = True
    rate_limit_window_seconds: int = Field(default=60, ge=1, le=86_400)
    rate_limit_client_requests: int = Field(default=3000, ge=1)
    rate_limit_address_requests: int = Field(default=300, ge=1)
    # Requests one process handles at once (threads; each holds at most two database connections:
    # the pool has request_threads, plus as many again in overflow for a write beside a read).
    # A request that waits longer than db_pool_timeout_seconds for a connection, or longer than
    # sqlite_busy_timeout_ms for SQLite's write lock, is answered 503 with Retry-After.
    request_threads: int = 40
    db_pool_timeout_seconds: float = 5.0
    sqlite_busy_timeout_ms: int = 5000
    # Changes (writing requests) in progress at once per process; the others wait their turn in
    # the event loop, holding no thread or connection, for at most write_queue_seconds (then 503).
    write_concurrency: int = 4
    write_queue_seconds: float = 10.0
    max_json_body_bytes: int = 1_048_576
    # A request body that stalls longer than the idle timeout between chunks, or takes longer
    # than the total (uploads: upload total) is answered 408 and dropped (slowloris).
    body_idle_timeout_seconds: float = 30.0
    body_timeout_seconds: float = 120.0
    upload_body_timeout_seconds: float = 3600.0
    max_evidence_bytes: int = 2 * 1024**3
    run_jobs_in_process: bool = True
    # A claimed job is run again by another worker once its worker stops renewing this lease.
    job_lease_seconds: float = 60.0
    job_poll_seconds: float = 1.0
    create_demo: bool = True
    log_level: str = "info"
    # Handling: a repeat perpetrator is one in >= threshold incidents within the window (Sr 285b).
    repeat_perpetrator_threshold: int = 3
    repeat_perpetrator_window_days: int = 90
    police_report_due_hours: int = 48
    action_reminder_hours: int = 24
    # Integrations: idempotency keys live this long; webhook delivery limits and target policy.
    idempotency_key_ttl_hours: int = 24
    webhook_allow_private_targets: bool = False
    webhook_timeout_seconds: float = 10.0
    webhook_max_attempts: int = 10
    webhook_retry_base_seconds: float = 10.0
    # After a webhook secret rotation the previous secret signs as well for this long.
    webhook_secret_overlap_hours: float = 24.0
    # Re-checks that removed URLs stay removed: public addresses only unless allowed; per request.
    url_recheck_allow_private_targets: bool = False
    url_recheck_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    # Web captures: the browser, limits per capture, and which addresses a capture may reach
    # (public ones only unless allowed; comma-separated CIDR networks allowed besides, e.g. an
    # intranet), and extra CA certificates (PEM file) trusted besides the system's.
    capture_browser_path: str = "/usr/bin/chromium"
    capture_timeout_seconds: float = Field(default=60.0, gt=0, le=600)
    capture_max_bytes: int = Field(default=100 * 1024**2, ge=1)
    capture_allow_private_targets: bool = False
    capture_allowed_networks: str = ""
    capture_ca_file: str = ""
    # Absolute URLs in webhook payloads start here; empty: public_url + /api/v1.
    public_api_url: str = ""
    # Notifications and e-mail: no mail at all while smtp_host is empty (the embedded default).
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_from: str = "weerbaar@localhost"
    smtp_timeout_seconds: float = 30.0
    mail_max_attempts: int = 6
    mail_lease_seconds: int = 300
    # Links in mails point here (the web UI); empty: public_url.
    public_web_url: str = ""
    # Shown to affected employees in the mail about a report (the organisation's help and support page).
    help_contacts_url: str = ""
    # The daily digest goes out at this hour in the organisation's time zone.
    digest_hour: int = 8
    # Audit chain: the HMAC key that seals each event (kept outside the database: set the key or a
    # file holding it; generated once under the data dir in development), earlier keys that only
    # verify (comma-separated, after a rotation), and how often chain heads are anchored in the store.
    audit_key: SecretStr | None = None
    audit_key_file: Path | None = None
    audit_previous_keys: SecretStr | None = None
    audit_anchor_interval_minutes: int = 60
    # Trusted timestamps (RFC 3161): off while tsa_url is empty (times are then the server's own).
    # Every evidence hash and every audit anchor is stamped by this Time Stamping Authority; its
    # replies are trusted when they chain to a certificate in tsa_ca_file (PEM: the root(s), and
    # any intermediate). A stamp that fails is retried by the job runner, at most tsa_max_attempts.
    tsa_url: str = ""
    tsa_ca_file: Path | None = None
    tsa_timeout_seconds: float = 10.0
    tsa_max_attempts: int = Field(default=12, ge=1, le=100)
    # The organisation's seal on dossiers (app/evidence/seal.py): a PEM certificate (followed by its
    # chain) and its PEM private key (optionally encrypted with seal_key_password). Required in
    # production; in development a self-signed one is generated under the data dir (not a qualified seal).
    seal_certificate_file: Path | None = None
    seal_key_file: Path | None = None
    seal_key_password: SecretStr | None = None

    @model_validator(mode="after")
    def _tsa_needs_trust(self) -> Settings:
        if self.tsa_url:
            if not self.tsa_url.startswith(("http://", "https://")):
                raise ValueError("WEERBAAR_TSA_URL must be an http(s) URL")
            if self.tsa_ca_file is None:
                raise ValueError("WEERBAAR_TSA_CA_FILE must name the TSA's CA certificate(s) (PEM)")
            if not self.tsa_ca_file.is_file():
                raise ValueError(f"WEERBAAR_TSA_CA_FILE {self.tsa_ca_file} is not a readable file")
        return self

    @model_validator(mode="after")
    def _production_needs_real_secret(self) -> Settings:
        if self.environment == "production":
            value = self.secret_key.get_secret_value() if self.secret_key else ""
            if value.strip().lower() in KNOWN_DEFAULT_SECRETS or len(value) < 32:
                raise ValueError(
                    "WEERBAAR_SECRET_KEY must be set to a random value of at least 32 characters "
                    "in production"
                )
            if not self.database_url:
                raise ValueError("WEERBAAR_DATABASE_URL must be set in production")
        return self

    @property
    def effective_database_url(self) -> str:
        """The configured database, or SQLite under the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'weerbaar.sqlite3').resolve()}"

    def api_base_url(self) -> str:
        """The API's public base URL, without a trailing slash (e.g. https://host/api/v1)."""
        return (self.public_api_url or self.public_url.rstrip("/") + "/api/v1").rstrip("/")

    def resolved_secret_key(self) -> str:
        """The secret key; in development generated once and kept in the data dir."""
        if self.secret_key and self.secret_key.get_secret_value():
            return self.secret_key.get_secret_value()
        if self.environment == "production":
            raise ConfigurationError("WEERBAAR_SECRET_KEY is required in production")
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()

    def resolved_audit_key(self) -> str:
        """The audit HMAC key; in development generated once and kept in the data dir."""
        if self.audit_key and self.audit_key.get_secret_value():
            value = self.audit_key.get_secret_value().strip()
        elif self.audit_key_file is not None:
            try:
                value = self.audit_key_file.read_text().strip()
            except OSError as exc:
                raise ConfigurationError(f"WEERBAAR_AUDIT_KEY_FILE cannot be read: {exc}") from exc
        elif self.environment == "production":
            raise ConfigurationError(
                "WEERBAAR_AUDIT_KEY or WEERBAAR_AUDIT_KEY_FILE is required in production"
            )
        else:
            path = self.data_dir / "audit_key"
            if not path.exists():
                self.data_dir.mkdir(parents=True, exist_ok=True)
                path.write_text(secrets.token_urlsafe(48))
                path.chmod(0o600)
            value = path.read_text().strip()
        if value.lower() in KNOWN_DEFAULT_SECRETS or len(value) < 32:
            raise ConfigurationError("the audit key must be a random value of at least 32 characters")
        return value

    def resolved_previous_audit_keys(self) -> list[str]:
        """Earlier audit keys, kept to verify the events they sealed."""
        raw = self.audit_previous_keys.get_secret_value() if self.audit_previous_keys else ""
        return [key.strip() for key in raw.split(",") if key.strip()]


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
