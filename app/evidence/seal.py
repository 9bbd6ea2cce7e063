"""The organisation's seal on a dossier: detached CMS signatures and a PAdES signature on the report.

The certificate and key are PEM files named in the settings (WEERBAAR_SEAL_CERTIFICATE_FILE, the
certificate followed by its chain, and WEERBAAR_SEAL_KEY_FILE). Without them, outside production,
a self-signed certificate is generated once under the data dir: it proves that the files were not
changed after sealing, but not who sealed them, and the dossier says it is not a qualified seal.
Signing is slow (and the PDF timestamp asks the TSA): it never runs inside a database transaction.
"""

from __future__ import annotations

import io
import logging
import shutil
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

from app.config import ConfigurationError, Settings

log = logging.getLogger(__name__)

DEVELOPMENT_NAME = "Weerbaar development seal"  # self-signed: the dossier says it is not qualified
SignerKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


@dataclass(frozen=True)
class Seal:
    """The signing certificate, its chain (issuers, root last) and key."""

    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    key: SignerKey
    self_signed: bool

    @property
    def subject(self) -> str:
        """The certificate's subject as people read it: common name first, country last."""
        return ", ".join(str(attribute.value) for attribute in reversed(list(self.certificate.subject)))

    @property
    def fingerprint(self) -> str:
        """SHA-256 fingerprint of the certificate, as `openssl x509 -fingerprint -sha256` shows it."""
        digest = self.certificate.fingerprint(hashes.SHA256()).hex().upper()
        return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))

    @property
    def not_after(self) -> datetime:
        """When the certificate expires."""
        return self.certificate.not_valid_after_utc

    def certificates_pem(self) -> bytes:
        """The certificate and its chain as PEM (shipped in the dossier for the recipient)."""
        return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (self.certificate, *self.chain))


def _generate(directory: Path) -> None:
    """A self-signed development certificate (ten years) and its key, written once."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, DEVELOPMENT_NAME)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    # Written beside and renamed into place: another process starting at the same time keeps its own
    # pair or takes this one, never one's key with the other's certificate.
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".seal-", dir=directory.parent))
    key_path = staging / "seal-key.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_path.chmod(0o600)
    (staging / "seal-certificate.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    try:
        staging.rename(directory)
    except OSError:  # another process was first: use its pair
        shutil.rmtree(staging, ignore_errors=True)


def _files(settings: Settings) -> tuple[Path, Path, bool]:
    if settings.seal_certificate_file and settings.seal_key_file:
        return settings.seal_certificate_file, settings.seal_key_file, False
    if settings.environment == "production":
        raise ConfigurationError(
            "WEERBAAR_SEAL_CERTIFICATE_FILE and WEERBAAR_SEAL_KEY_FILE are required in production "
            "(the organisation's certificate that seals dossiers)"
        )
    directory = settings.data_dir / "seal"
    if not (directory / "seal-key.pem").exists():
        _generate(directory)
    return directory / "seal-certificate.pem", directory / "seal-key.pem", True


def load(settings: Settings) -> Seal:
    """The seal the settings name; ConfigurationError when it is missing, unreadable or expired."""
    cert_path, key_path, generated = _files(settings)
    try:
        certificates = x509.load_pem_x509_certificates(cert_path.read_bytes())
        password = (
            settings.seal_key_password.get_secret_value().encode() if settings.seal_key_password else None
        )
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=password)
    except (OSError, ValueError, TypeError) as exc:
        raise ConfigurationError(f"The seal certificate or key cannot be read: {exc}") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise ConfigurationError("The seal key must be an RSA or EC private key")
    certificate, *chain = certificates
    if certificate.public_key() != key.public_key():
        raise ConfigurationError(
            "The seal key does not belong to the seal certificate (the first in the file)"
        )
    now = datetime.now(UTC)
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise ConfigurationError(
            f"The seal certificate is not valid now (valid {certificate.not_valid_before_utc:%Y-%m-%d} "
            f"to {certificate.not_valid_after_utc:%Y-%m-%d})"
        )
    self_signed = generated or certificate.issuer == certificate.subject
    return Seal(certificate=certificate, chain=tuple(chain), key=key, self_signed=self_signed)


_cache: dict[tuple[object, ...], Seal] = {}
_lock = threading.Lock()


def for_settings(settings: Settings) -> Seal:
    """The seal of these settings, loaded once per process (and again once it has expired)."""
    ident = (settings.environment, settings.seal_certificate_file, settings.seal_key_file, settings.data_dir)
    with _lock:
        seal = _cache.get(ident)
        if seal is None or seal.not_after <= datetime.now(UTC):
            seal = _cache[ident] = load(settings)
        return seal


def sign_detached(seal: Seal, data: bytes) -> bytes:
    """A detached CMS signature (DER) over the bytes as they are: `openssl cms -verify -binary`."""
    builder = (
        pkcs7.PKCS7SignatureBuilder().set_data(data).add_signer(seal.certificate, seal.key, hashes.SHA256())
    )
    for issuer in seal.chain:
        builder = builder.add_certificate(issuer)
    return builder.sign(
        serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary]
    )


def sign_pdf(
    seal: Seal,
    document: bytes,
    *,
    tsa_url: str = "",
    tsa_timeout: float = 10.0,
    reason: str = "",
    location: str = "",
) -> bytes:
    """The PDF with a PAdES signature by the seal (and a signature timestamp from the TSA, if any)."""
    from asn1crypto import keys as asn1_keys  # type: ignore[import-untyped]
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    def der(certificate: x509.Certificate) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))

    key_der = seal.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    signer = signers.SimpleSigner(
        signing_cert=der(seal.certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs([der(c) for c in seal.chain]),  # type: ignore[no-untyped-call]
    )
    metadata = signers.PdfSignatureMetadata(
        field_name="Seal",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
    )
    timestamper = None
    if tsa_url:
        timestamper = timestamps.HTTPTimeStamper(tsa_url, timeout=max(1, round(tsa_timeout)))
    writer = IncrementalPdfFileWriter(io.BytesIO(document))
    output = signers.sign_pdf(writer, metadata, signer=signer, timestamper=timestamper)
    signed: bytes = output.getvalue()
    return signed
