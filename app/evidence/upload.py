"""Receiving a multipart upload as a stream: the file part goes to storage while it is hashed.

The body is parsed incrementally (python-multipart), so the file is never held whole in memory
and never written anywhere but its final place in the store. Any failure on the way aborts the
store's writer: nothing visible remains.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, cast

import anyio.to_thread
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from app.errors import DomainError, FieldError, Invalid
from app.evidence.sniffing import ALLOWED, HEAD_BYTES, sniff
from app.storage import ObjectStore, ObjectWriter, StorageUnavailable

FLUSH_BYTES = 1024 * 1024
MAX_FIELD_BYTES = 8192
MAX_FIELDS = 10
FILE_FIELD = "file"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*;]")


class TooLarge(DomainError):
    """The file is over the configured maximum (413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"The file is larger than the maximum of {limit} bytes; nothing was kept.",
            [FieldError(FILE_FIELD, f"at most {limit} bytes", "too_large")],
            413,
            "Payload too large",
            "too-large",
        )


class UnsupportedType(DomainError):
    """The sniffed content type is outside the allow-list (415)."""

    def __init__(self, found: str | None) -> None:
        what = found or "an unrecognised type"
        super().__init__(
            f"The file is {what}, which the evidence vault does not accept; send images, video, "
            "audio, PDF, e-mail, HTML/MHTML, WARC/WACZ or plain text.",
            [FieldError(FILE_FIELD, f"content type {what} is not allowed", "unsupported_type")],
            415,
            "Unsupported media type",
            "unsupported-media-type",
        )


def safe_filename(raw: str) -> str:
    """The base name of a client's filename without path, control or shell-special characters."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip().lstrip(".").strip()
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 16 else name[:200]
    return name or "evidence"


@dataclass
class Received:
    """What an upload delivered: the stored object's facts and the other form fields."""

    key: str
    size: int
    sha256: str
    content_type: str
    claimed_content_type: str | None
    filename: str
    fields: dict[str, str]
    writer: ObjectWriter


class _Sink:
    """Hashes and writes chunks in a worker thread (hashlib releases the GIL on large chunks)."""

    def __init__(self, writer: ObjectWriter) -> None:
        self.writer = writer
        self.hash = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.hash.update(data)
        try:
            self.writer.write(data)
        except OSError as exc:
            raise StorageUnavailable() from exc


@dataclass
class _State:
    headers: dict[str, bytes] = field(default_factory=dict)
    header_name: bytearray = field(default_factory=bytearray)
    header_value: bytearray = field(default_factory=bytearray)
    part_name: str | None = None
    in_file: bool = False
    file_seen: bool = False
    file_done: bool = False
    filename: str = ""
    claimed_type: str | None = None
    content_type: str | None = None
    field_value: bytearray = field(default_factory=bytearray)
    fields: dict[str, str] = field(default_factory=dict)
    pending: bytearray = field(default_factory=bytearray)
    size: int = 0
    ended: bool = False
    errors: list[FieldError] = field(default_factory=list)


def boundary_of(content_type: str) -> bytes:
    """The multipart boundary from the Content-Type header; a field error when it is missing."""
    media, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if media != b"multipart/form-data" or not boundary:
        raise Invalid(
            "Send the upload as multipart/form-data with a boundary.",
            [
                FieldError(
                    "Content-Type", "multipart/form-data with a boundary", "not_multipart", location="header"
                )
            ],
        )
    return boundary


def _callbacks(state: _State, limit: int) -> dict[str, Callable[..., None]]:
    def part_begin() -> None:
        state.headers = {}
        state.part_name = None
        state.field_value = bytearray()

    def header_field(data: bytes, start: int, end: int) -> None:
        state.header_name += data[start:end]

    def header_value(data: bytes, start: int, end: int) -> None:
        state.header_value += data[start:end]

    def header_end() -> None:
        state.headers[state.header_name.decode("latin-1").lower()] = bytes(state.header_value)
        state.header_name, state.header_value = bytearray(), bytearray()

    def headers_finished() -> None:
        _, params = parse_options_header(state.headers.get("content-disposition", b""))
        name = params.get(b"name", b"").decode("utf-8", "replace")
        state.part_name = name
        if name == FILE_FIELD:
            if state.file_seen:
                raise Invalid(
                    "Send one file per upload.",
                    [FieldError(FILE_FIELD, "only one file part", "one_file_only")],
                )
            state.file_seen = state.in_file = True
            filename = params.get(b"filename", b"").decode("utf-8", "replace")
            state.filename = safe_filename(filename)
            claimed = state.headers.get("content-type", b"").decode("latin-1").strip()[:255]
            state.claimed_type = claimed or None
        elif len(state.fields) >= MAX_FIELDS:
            raise Invalid(
                "The form has too many fields.",
                [FieldError(name or "body", "unknown field", "unknown_field")],
            )

    def part_data(data: bytes, start: int, end: int) -> None:
        if state.in_file:
            state.size += end - start
            if state.size > limit:
                raise TooLarge(limit)
            state.pending += data[start:end]
            return
        state.field_value += data[start:end]
        if len(state.field_value) > MAX_FIELD_BYTES:
            raise Invalid(
                "A form field is too long.",
                [FieldError(state.part_name or "body", f"at most {MAX_FIELD_BYTES} bytes", "too_long")],
            )

    def part_end() -> None:
        if state.in_file:
            state.in_file, state.file_done = False, True
        elif state.part_name is not None:
            state.fields[state.part_name] = state.field_value.decode("utf-8", "replace")

    def end() -> None:
        state.ended = True

    return {
        "on_part_begin": part_begin,
        "on_header_field": header_field,
        "on_header_value": header_value,
        "on_header_end": header_end,
        "on_headers_finished": headers_finished,
        "on_part_data": part_data,
        "on_part_end": part_end,
        "on_end": end,
    }


async def receive(
    body: AsyncIterator[bytes],
    *,
    content_type: str,
    store: ObjectStore,
    key: str,
    max_bytes: int,
    check_fields: Callable[[dict[str, str]], Any] | None = None,
) -> Received:
    """Stream the body's file part into the store under `key`; abort on any failure.

    `check_fields` validates the form fields seen before the file part, so that bad metadata
    fails before anything is written.
    """
    state = _State()
    parser = MultipartParser(boundary_of(content_type), cast(Any, _callbacks(state, max_bytes)))
    writer: ObjectWriter | None = None
    sink: _Sink | None = None

    async def flush(final: bool) -> None:
        nonlocal writer, sink
        if not state.pending or (len(state.pending) < FLUSH_BYTES and not final):
            return
        if sink is None:
            found = sniff(bytes(state.pending[:HEAD_BYTES]))
            if found not in ALLOWED:
                raise UnsupportedType(found)
            if check_fields is not None:
                check_fields(state.fields)
            state.content_type = found
            writer = await anyio.to_thread.run_sync(lambda: store.writer(key, content_type=found))
            sink = _Sink(writer)
        chunk, state.pending = bytes(state.pending), bytearray()
        await anyio.to_thread.run_sync(sink.write, chunk)

    try:
        async for chunk in body:
            if state.ended or not chunk:
                continue
            try:
                parser.write(chunk)
            except MultipartParseError as exc:
                raise Invalid(
                    "The multipart body is malformed.", [FieldError("body", str(exc)[:200], "malformed")]
                ) from exc
            await flush(final=False)
        if not state.ended:
            raise Invalid(
                "The multipart body is truncated: it ended before its closing boundary.",
                [FieldError("body", "truncated multipart body", "truncated")],
            )
        if not state.file_seen:
            raise Invalid(
                "Send the evidence in a form field named file.",
                [FieldError(FILE_FIELD, "missing", "required")],
            )
        if state.size == 0:
            raise Invalid("The file is empty.", [FieldError(FILE_FIELD, "must not be empty", "empty")])
        await flush(final=True)
        assert writer is not None and sink is not None
        await anyio.to_thread.run_sync(writer.commit)
    except BaseException:
        if writer is not None:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(writer.abort)
        raise
    return Received(
        key=key,
        size=state.size,
        sha256=sink.hash.hexdigest(),
        content_type=state.content_type or "",
        claimed_content_type=state.claimed_type,
        filename=state.filename,
        fields=state.fields,
        writer=writer,
    )
