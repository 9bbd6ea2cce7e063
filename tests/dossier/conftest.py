"""Dossier tests: a test CA issues the organisation's seal certificate, the test TSA stamps, and the
capture loads test pages from 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.config import Settings, get_settings
from app.jobs.handlers import register_all
from tests.capture.pages import Pages, serve_pages
from tests.fixtures.factories import SECRET
from tests.fixtures.tsa import Tsa

LOOPBACK = "127.0.0.0/8"  # the capture may reach the test pages


@dataclass(frozen=True)
class SealAuthority:
    """A CA (ca.pem) and a seal certificate it issued, with its key."""

    ca_file: Path
    certificate_file: Path
    key_file: Path
    expired_certificate_file: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Gemeente Utrecht"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _issue(ca_key, subject_key, *, start: datetime, end: datetime) -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(_name("Gemeente Utrecht dossier seal"))
        .issuer_name(_name("Weerbaar test CA"))
        .public_key(subject_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(ca=False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )


@pytest.fixture(scope="session")
def seal_authority(tmp_path_factory: pytest.TempPathFactory) -> SealAuthority:
    """The test CA and the organisation's seal certificate (valid now), and an expired one."""
    folder = tmp_path_factory.mktemp("seal")
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Weerbaar test CA"))
        .issuer_name(_name("Weerbaar test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    valid = _issue(ca_key, key, start=now - timedelta(days=1), end=now + timedelta(days=90))
    expired = _issue(ca_key, key, start=now - timedelta(days=90), end=now - timedelta(days=1))
    pem = serialization.Encoding.PEM
    (folder / "ca.pem").write_bytes(ca.public_bytes(pem))
    (folder / "seal.pem").write_bytes(valid.public_bytes(pem) + ca.public_bytes(pem))
    (folder / "expired.pem").write_bytes(expired.public_bytes(pem))
    (folder / "seal.key").write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return SealAuthority(
        ca_file=folder / "ca.pem",
        certificate_file=folder / "seal.pem",
        key_file=folder / "seal.key",
        expired_certificate_file=folder / "expired.pem",
    )


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pages]:
    """Web pages on 127.0.0.1 for the capture (HTTP and HTTPS with a test CA)."""
    with serve_pages(tmp_path_factory.mktemp("pages")) as served:
        yield served


@pytest.fixture
def sealed() -> bool:
    """Whether the installation has the organisation's seal and the TSA (False: the embedded default)."""
    return True


@pytest.fixture
def settings(
    settings: Settings, sealed: bool, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """The app's settings with the seal and the TSA; the environment says the same for the jobs."""
    env = {
        "WEERBAAR_DATA_DIR": str(settings.data_dir),
        "WEERBAAR_DATABASE_URL": settings.effective_database_url,
        "WEERBAAR_SECRET_KEY": SECRET,
        "WEERBAAR_CREATE_DEMO": "false",
        "WEERBAAR_RUN_JOBS_IN_PROCESS": "false",
    }
    if sealed:
        tsa: Tsa = request.getfixturevalue("tsa")
        authority: SealAuthority = request.getfixturevalue("seal_authority")
        pages: Pages = request.getfixturevalue("pages")
        env |= {
            "WEERBAAR_TSA_URL": tsa.url,
            "WEERBAAR_TSA_CA_FILE": str(tsa.ca_file),
            "WEERBAAR_CAPTURE_ALLOWED_NETWORKS": LOOPBACK,
            "WEERBAAR_CAPTURE_CA_FILE": str(pages.ca_file),
        }
        settings = settings.model_copy(
            update={
                "tsa_url": tsa.url,
                "tsa_ca_file": tsa.ca_file,
                "seal_certificate_file": authority.certificate_file,
                "seal_key_file": authority.key_file,
                "capture_allowed_networks": LOOPBACK,
                "capture_ca_file": str(pages.ca_file),
            }
        )
    else:
        monkeypatch.delenv("WEERBAAR_TSA_URL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    register_all()
    yield settings
    get_settings.cache_clear()
