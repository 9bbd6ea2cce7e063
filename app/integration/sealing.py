"""Encryption at rest for what the server must be able to read back (AES-GCM).

The key is derived from the server's secret key (WEERBAAR_SECRET_KEY) per purpose, and every
ciphertext is bound to the id of its row, so it cannot be moved to another row.
"""

from __future__ import annotations

import os
import uuid
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12


@lru_cache(maxsize=16)
def _key(secret_key: str, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"weerbaar {purpose}".encode()).derive(
        secret_key.encode()
    )


def seal(secret_key: str, purpose: str, row_id: uuid.UUID, data: bytes) -> bytes:
    """The data encrypted for storage in the row."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(_key(secret_key, purpose)).encrypt(nonce, data, row_id.bytes)


def unseal(secret_key: str, purpose: str, row_id: uuid.UUID, sealed: bytes) -> bytes | None:
    """The stored data, or None when it cannot be decrypted (another key, row or purpose)."""
    try:
        return AESGCM(_key(secret_key, purpose)).decrypt(
            sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], row_id.bytes
        )
    except (InvalidTag, ValueError):
        return None
