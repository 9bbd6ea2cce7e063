"""An RFC 3161 client: ask the configured Time Stamping Authority to stamp a SHA-256 digest.

The request goes over HTTP as application/timestamp-query; the reply (application/timestamp-reply)
is accepted only when its status is granted, its nonce and digest are ours and its signer chains to
a certificate in WEERBAAR_TSA_CA_FILE with the critical timeStamping key usage (rfc3161-client
verifies it). The reply's DER bytes are what a third party checks with `openssl ts -verify`.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.x509.oid import NameOID
from rfc3161_client import (
    PKIStatus,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from app.config import Settings, get_settings

log = logging.getLogger("weerbaar.timestamp")

QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"
# A reply is a signed structure of a few kilobytes; anything far larger is not one.
MAX_REPLY_BYTES = 1024 * 1024
# AlgorithmIdentifier { id-sha256, NULL }
_SHA256_ALGORITHM = bytes.fromhex("300d06096086480165030402010500")


class TsaError(Exception):
    """The TSA could not be reached, refused, or answered with a reply that does not verify."""


@dataclass(frozen=True)
class Token:
    """A verified timestamp: the TSA's reply (DER, as received) and what it states."""

    der: bytes
    digest: bytes
    gen_time: datetime
    tsa_name: str
    serial: str


def configured(settings: Settings | None = None) -> bool:
    """Whether a TSA is configured (WEERBAAR_TSA_URL set); without one, times are the server's own."""
    return bool((settings or get_settings()).tsa_url)


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _tlv(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _length(len(body)) + body


def _integer(value: int) -> bytes:
    # One spare bit keeps a positive value positive in two's complement.
    return _tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def query(digest: bytes, nonce: int) -> bytes:
    """The DER TimeStampReq for a SHA-256 digest, asking for the TSA's certificate in the reply.

    rfc3161-client's request builder hashes the data itself; evidence is hashed while it streams
    in (up to gigabytes), so the request is built here from the digest.
    """
    if len(digest) != 32:
        raise ValueError("a SHA-256 digest has 32 bytes")
    imprint = _tlv(0x30, _SHA256_ALGORITHM + _tlv(0x04, digest))
    return _tlv(0x30, _integer(1) + imprint + _integer(nonce) + b"\x01\x01\xff")


@lru_cache(maxsize=8)
def _trust(path: Path, mtime: float) -> tuple[tuple[x509.Certificate, ...], tuple[x509.Certificate, ...]]:
    """The roots (self-issued) and intermediates in the CA file; cached until the file changes."""
    certificates = x509.load_pem_x509_certificates(path.read_bytes())
    roots = tuple(c for c in certificates if c.subject == c.issuer)
    intermediates = tuple(c for c in certificates if c.subject != c.issuer)
    if not roots:
        raise TsaError(f"{path} holds no root certificate")
    return roots, intermediates


def _verifier(settings: Settings, nonce: int | None) -> VerifierBuilder:
    if settings.tsa_ca_file is None:
        raise TsaError("WEERBAAR_TSA_CA_FILE is not set")
    try:
        roots, intermediates = _trust(settings.tsa_ca_file, settings.tsa_ca_file.stat().st_mtime)
    except (OSError, ValueError) as exc:
        raise TsaError(f"the TSA CA file cannot be read: {exc}") from exc
    builder = VerifierBuilder(roots=list(roots), intermediates=list(intermediates))
    return builder.nonce(nonce) if nonce is not None else builder


def _signer_name(response: TimeStampResponse) -> str:
    signer = next(iter(response.signed_data.signer_infos))
    for raw in response.signed_data.certificates:
        certificate = x509.load_der_x509_certificate(raw)
        if certificate.issuer == signer.issuer and certificate.serial_number == signer.serial_number:
            names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
            return str(names[0].value) if names else certificate.subject.rfc4514_string()
    return signer.issuer.rfc4514_string()


def _token(der: bytes, digest: bytes, settings: Settings, nonce: int | None) -> Token:
    try:
        response = decode_timestamp_response(der)
    except ValueError as exc:
        raise TsaError(f"the reply is not a timestamp reply: {exc}") from exc
    if response.status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        reason = "; ".join(response.status_string) or f"status {response.status}"
        raise TsaError(f"the TSA refused: {reason}")
    try:
        _verifier(settings, nonce).build().verify(response, digest)
    except VerificationError as exc:
        raise TsaError(f"the reply does not verify: {exc}") from exc
    info = response.tst_info
    at = info.gen_time
    return Token(
        der=der,
        digest=digest,
        gen_time=at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC),
        tsa_name=_signer_name(response)[:500],
        serial=format(info.serial_number, "x"),
    )


def stamp(digest: bytes, *, settings: Settings | None = None) -> Token | None:
    """A verified timestamp token for a SHA-256 digest from the configured TSA; None without a TSA.

    Blocks on the network (up to WEERBAAR_TSA_TIMEOUT_SECONDS): call it outside any database
    transaction. Raises TsaError when the TSA is unreachable, refuses, or its reply does not verify.
    """
    settings = settings or get_settings()
    if not settings.tsa_url:
        return None
    nonce = secrets.randbits(63)
    try:
        with (
            httpx.Client(timeout=settings.tsa_timeout_seconds, follow_redirects=False) as http,
            http.stream(
                "POST",
                settings.tsa_url,
                content=query(digest, nonce),
                headers={"Content-Type": QUERY_TYPE, "Accept": REPLY_TYPE},
            ) as reply,
        ):
            if reply.status_code != 200:
                raise TsaError(f"the TSA answered HTTP {reply.status_code}")
            body = bytearray()
            for chunk in reply.iter_bytes():
                body += chunk
                if len(body) > MAX_REPLY_BYTES:
                    raise TsaError("the TSA's reply is too large")
    except httpx.HTTPError as exc:
        raise TsaError(f"the TSA cannot be reached: {exc.__class__.__name__}") from exc
    token = _token(bytes(body), digest, settings, nonce)
    log.info("timestamp from %s for %s: %s", token.tsa_name, digest.hex()[:16], token.gen_time.isoformat())
    return token


def verify(der: bytes, digest: bytes, *, settings: Settings | None = None) -> Token:
    """Check a stored reply against a digest and the configured CA file; TsaError if it fails."""
    return _token(der, digest, settings or get_settings(), None)
