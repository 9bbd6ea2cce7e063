"""Password hashing with argon2id (pwdlib)."""

from __future__ import annotations

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

_hasher = PasswordHash((Argon2Hasher(),))
# Verified against when the e-mail is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("weerbaar-timing-equaliser")

MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Whether the password matches; takes as long when there is no hash to compare with."""
    if password_hash is None:
        _hasher.verify(password, _DUMMY_HASH)
        return False
    return _hasher.verify(password, password_hash)
