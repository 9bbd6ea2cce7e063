"""Evidence objects between a store and a backup directory, hashed on the way."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from minio.error import MinioException
from urllib3.exceptions import HTTPError

from app.storage import CHUNK, FilesystemStore, ObjectStore, S3Store, check_key


@dataclass(frozen=True)
class Copied:
    """What went through: its size and SHA-256."""

    size: int
    sha256: str


def backup_path(directory: Path, key: str) -> Path:
    """Where an object lives inside a backup (keys are checked: a manifest is not trusted)."""
    return directory / check_key(key)


def _write(path: Path, chunks: Iterable[bytes]) -> Copied:
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with open(path, "xb") as out:
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return Copied(size, digest.hexdigest())


def copy_out(store: ObjectStore, key: str, directory: Path) -> Copied:
    """Copy one object from the store into the backup; ObjectMissing when it is gone."""
    return _write(backup_path(directory, key), store.read(key))


def _file_chunks(path: Path) -> Iterable[bytes]:
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def hash_file(path: Path) -> Copied:
    """The size and SHA-256 of a file in the backup."""
    digest = hashlib.sha256()
    size = 0
    for chunk in _file_chunks(path):
        digest.update(chunk)
        size += len(chunk)
    return Copied(size, digest.hexdigest())


def copy_in(store: ObjectStore, key: str, directory: Path, *, content_type: str) -> Copied:
    """Write one object from the backup into the store (committed whole or not at all)."""
    digest = hashlib.sha256()
    size = 0
    writer = store.writer(key, content_type=content_type)
    try:
        for chunk in _file_chunks(backup_path(directory, key)):
            digest.update(chunk)
            size += len(chunk)
            writer.write(chunk)
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    return Copied(size, digest.hexdigest())


def store_is_empty(store: ObjectStore) -> bool:
    """Whether the store holds no object (temporary upload files aside)."""
    if isinstance(store, FilesystemStore):
        if not store.root.exists():
            return True
        return not any(
            path.is_file() and not any(part.startswith(".") for part in path.relative_to(store.root).parts)
            for path in store.root.rglob("*")
        )
    if isinstance(store, S3Store):
        try:
            if not store.client.bucket_exists(store.bucket):
                return True
            return next(iter(store.client.list_objects(store.bucket, recursive=True)), None) is None
        except (MinioException, HTTPError, OSError, ValueError) as exc:
            raise OSError(f"the S3 store cannot be listed: {exc}") from exc
    raise TypeError(f"unknown store: {type(store).__name__}")
