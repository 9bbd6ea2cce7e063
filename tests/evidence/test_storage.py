"""Every storage behaviour, against both stores: the filesystem and S3 (moto server)."""

from __future__ import annotations

import hashlib
import os
import uuid

import pytest
import urllib3
from minio import Minio

from app.storage import (
    FilesystemStore,
    ObjectLocked,
    ObjectMissing,
    S3Store,
    StorageUnavailable,
    check_key,
)


@pytest.fixture(params=["filesystem", "s3"])
def store(request, tmp_path):
    if request.param == "filesystem":
        return FilesystemStore(tmp_path / "evidence")
    return request.getfixturevalue("s3_server").store()


def _key() -> str:
    return f"org/{uuid.uuid4()}/{uuid.uuid4()}"


def _put(store, key: str, data: bytes, chunk: int = 300_000) -> None:
    writer = store.writer(key, content_type="application/octet-stream")
    for start in range(0, len(data), chunk):
        writer.write(data[start : start + chunk])
    writer.commit()


def test_written_object_reads_back_identical_in_full_and_in_ranges(store):
    data = os.urandom(3 * 1024 * 1024 + 17)
    key = _key()
    _put(store, key, data)
    assert store.size(key) == len(data)
    assert b"".join(store.read(key)) == data
    assert b"".join(store.read(key, start=10, end=19)) == data[10:20]
    assert b"".join(store.read(key, start=len(data) - 5)) == data[-5:]


def test_object_larger_than_one_s3_part_is_stored_whole(store):
    data = os.urandom(11 * 1024 * 1024)
    key = _key()
    _put(store, key, data, chunk=1024 * 1024)
    assert hashlib.sha256(b"".join(store.read(key))).digest() == hashlib.sha256(data).digest()


def test_aborted_write_leaves_nothing_visible(store):
    key = _key()
    writer = store.writer(key, content_type="text/plain")
    writer.write(os.urandom(12 * 1024 * 1024))
    writer.abort()
    with pytest.raises(ObjectMissing):
        store.size(key)
    with pytest.raises(ObjectMissing):
        store.read(key)
    if isinstance(store, FilesystemStore):
        assert [p for p in store.root.rglob("*") if p.is_file()] == []


def test_uncommitted_object_is_not_visible(store):
    key = _key()
    writer = store.writer(key, content_type="text/plain")
    writer.write(b"half")
    with pytest.raises(ObjectMissing):
        store.size(key)
    writer.abort()


def test_delete_removes_the_object(store):
    key = _key()
    _put(store, key, b"evidence")
    store.delete(key)
    with pytest.raises(ObjectMissing):
        store.size(key)
    with pytest.raises(ObjectMissing):
        store.delete(key)


def test_legal_hold_can_be_set_and_released(store):
    key = _key()
    _put(store, key, b"evidence")
    store.set_legal_hold(key, True)
    if isinstance(store, S3Store):
        assert store.legal_hold(key) is True
    store.set_legal_hold(key, False)
    if isinstance(store, S3Store):
        assert store.legal_hold(key) is False
    with pytest.raises(ObjectMissing):
        store.set_legal_hold(_key(), True)


def test_keys_that_could_escape_the_store_are_refused(store):
    for bad in ("../x", "a/../../b", "/etc/passwd", "A/B", "a//b", ""):
        with pytest.raises(ValueError):
            check_key(bad)
        with pytest.raises(ValueError):
            store.writer(bad, content_type="text/plain")


def test_s3_bucket_is_created_with_object_lock_and_retention_protects_objects(s3_server):
    store = s3_server.store(object_lock=True, retention_days=1)
    client = s3_server.client()
    assert not client.bucket_exists(store.bucket)
    key = _key()
    _put(store, key, b"locked evidence")
    assert client.bucket_exists(store.bucket)
    with pytest.raises(ObjectLocked):
        store.delete(key)
    assert store.size(key) == len(b"locked evidence")
    # A failed upload's clean-up still hides a retained object behind a delete marker.
    store.discard(key)
    with pytest.raises(ObjectMissing):
        store.size(key)


def test_s3_legal_hold_blocks_deletion_until_released(s3_server):
    store = s3_server.store(object_lock=True)
    key = _key()
    _put(store, key, b"held")
    store.set_legal_hold(key, True)
    with pytest.raises(ObjectLocked):
        store.delete(key)
    store.set_legal_hold(key, False)
    store.delete(key)
    with pytest.raises(ObjectMissing):
        store.size(key)


def test_s3_outage_is_unavailable(tmp_path):
    http = urllib3.PoolManager(retries=urllib3.Retry(total=0), timeout=urllib3.Timeout(2))
    store = S3Store(Minio("127.0.0.1:9", access_key="x", secret_key="y", secure=False, http_client=http), "b")
    with pytest.raises(StorageUnavailable):
        store.check()
    with pytest.raises(StorageUnavailable):
        store.writer(_key(), content_type="text/plain")


def test_filesystem_store_is_unavailable_when_root_cannot_be_created(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    store = FilesystemStore(blocker / "evidence")
    with pytest.raises(StorageUnavailable):
        store.check()
    with pytest.raises(StorageUnavailable):
        store.writer(_key(), content_type="text/plain")
