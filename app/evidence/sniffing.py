"""The content type of an upload, decided from its first bytes (the client's claim is not trusted)."""

from __future__ import annotations

import re
import zlib

import filetype  # type: ignore[import-untyped]

# What the vault accepts: images, video, audio, PDF, e-mail, HTML/MHTML, WARC/WACZ, plain text.
ALLOWED = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/heic",
        "image/heif",
        "image/avif",
        "image/tiff",
        "image/bmp",
        "image/svg+xml",
        "video/mp4",
        "video/quicktime",
        "video/webm",
        "video/x-matroska",
        "video/x-msvideo",
        "video/mpeg",
        "video/3gpp",
        "audio/mpeg",
        "audio/mp4",
        "audio/ogg",
        "audio/wav",
        "audio/x-wav",
        "audio/flac",
        "audio/x-flac",
        "audio/aac",
        "audio/amr",
        "application/pdf",
        "message/rfc822",
        "text/html",
        "multipart/related",
        "application/warc",
        "application/wacz",
        "text/plain",
    }
)
# Types a browser would render or run; they are only ever served as attachments of octet-stream.
ACTIVE = frozenset({"text/html", "image/svg+xml", "multipart/related", "application/xhtml+xml"})

HEAD_BYTES = 1024 * 1024
_WACZ_PREFIXES = (b"archive/", b"pages/", b"indexes/")
_WACZ_FILES = (b"datapackage.json", b"datapackage-digest.json")

_PROLOGUE = rb"^(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
_HTML = re.compile(
    _PROLOGUE + rb"<(?:!doctype\s+html|html|head|body|meta|title|script|div|p)[\s>/]", re.I | re.S
)
_SVG = re.compile(_PROLOGUE + rb"(?:<!doctype\s+svg[^>]*>\s*)?<svg[\s>]", re.I | re.S)
_HEADER = re.compile(rb"^([A-Za-z][A-Za-z0-9-]{0,76}):[ \t]?(.*)$")
_MAIL_HEADERS = frozenset(
    {b"from", b"to", b"subject", b"date", b"received", b"return-path", b"message-id", b"delivered-to"}
)


def _header_block(head: bytes) -> dict[bytes, bytes] | None:
    """The RFC 5322 header block at the start, or None when the text does not start with one."""
    text = head[:65536].replace(b"\r\n", b"\n")
    end = text.find(b"\n\n")
    if end <= 0:
        return None
    found: dict[bytes, bytes] = {}
    for line in text[:end].split(b"\n"):
        if line[:1] in (b" ", b"\t"):
            continue  # a folded continuation line
        match = _HEADER.match(line)
        if match is None:
            return None
        found[match.group(1).lower()] = match.group(2).strip().lower()
    return found


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut off at the end of the head is still text.
        if exc.start < len(head) - 3:
            return False
        text = head[: exc.start].decode("utf-8")
    if not text:
        return False
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f\x1b")
    return controls * 100 < len(text)


def _zip_is_wacz(head: bytes) -> bool:
    """A ZIP laid out as WACZ: its first entry is datapackage.json or under archive/, pages/, indexes/."""
    if len(head) < 30 or not head.startswith(b"PK\x03\x04"):
        return False
    name_length = int.from_bytes(head[26:28], "little")
    name = head[30 : 30 + name_length]
    return name.startswith(_WACZ_PREFIXES) or name in _WACZ_FILES


def _gzip_is_warc(head: bytes) -> bool:
    try:
        start = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head[:65536], 16)
    except zlib.error:
        return False
    return start.startswith((b"WARC/1.0", b"WARC/1.1"))


def sniff(head: bytes) -> str | None:
    """The media type of a file starting with `head`, or None when it is not recognised."""
    if not head:
        return None
    if head.startswith((b"WARC/1.0\r\n", b"WARC/1.1\r\n", b"WARC/1.0\n", b"WARC/1.1\n")):
        return "application/warc"
    kind = filetype.guess(head)
    if kind is not None:
        mime = str(kind.mime)
        if mime == "application/zip":
            return "application/wacz" if _zip_is_wacz(head) else mime
        if mime == "application/gzip":
            return "application/warc" if _gzip_is_warc(head) else mime
        if mime == "audio/x-wav":
            return "audio/wav"
        return mime
    if not _is_text(head):
        return None
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    headers = _header_block(stripped)
    if headers is not None:
        content_type = headers.get(b"content-type", b"")
        if content_type.startswith(b"multipart/related") and b"mime-version" in headers:
            return "multipart/related"
        if len(_MAIL_HEADERS.intersection(headers)) >= 2:
            return "message/rfc822"
    if _SVG.match(stripped):
        return "image/svg+xml"
    if _HTML.match(stripped):
        return "text/html"
    return "text/plain"


def served_type(content_type: str) -> str:
    """The Content-Type to send: active content never goes out as something a browser renders."""
    return "application/octet-stream" if content_type in ACTIVE else content_type
