"""Content types are sniffed from the bytes; the allow-list decides what the vault accepts."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest

from app.evidence.sniffing import ALLOWED, served_type, sniff
from app.evidence.upload import safe_filename
from tests.evidence.helpers import png


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, b"{}")
    return buffer.getvalue()


WARC = b"WARC/1.1\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n\r\n"
MHTML = (
    b"From: <Saved by Blink>\r\nSnapshot-Content-Location: https://x.example/\r\nSubject: x\r\n"
    b'MIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\ttype="text/html";\r\n'
    b'\tboundary="----abc"\r\n\r\n------abc\r\n'
)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (png(), "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32, "image/jpeg"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 32, "video/mp4"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 32, "audio/mpeg"),
        (WARC, "application/warc"),
        (gzip.compress(WARC, mtime=0), "application/warc"),
        (_zip(["archive/data.warc.gz", "datapackage.json"]), "application/wacz"),
        (_zip(["datapackage.json"]), "application/wacz"),
        (MHTML, "multipart/related"),
        (
            b"Received: from x\r\nFrom: a@b.example\r\nTo: c@d.example\r\nSubject: hi\r\n\r\nbody",
            "message/rfc822",
        ),
        (b"<!DOCTYPE html>\n<html><body>x</body></html>", "text/html"),
        (b"\xef\xbb\xbf  <html lang=nl>", "text/html"),
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
        (b"Je bent gewaarschuwd. Ik weet waar je woont.\n", "text/plain"),
        (("ø" * 10).encode()[:-1], "text/plain"),  # a character cut off at the end of the head
    ],
)
def test_sniffs_allowed_types(head, expected):
    assert sniff(head) == expected
    assert expected in ALLOWED


@pytest.mark.parametrize(
    "head",
    [
        b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64,
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64,
        _zip(["word/document.xml"]),
        gzip.compress(b"not a warc", mtime=0),
        bytes(range(256)) * 4,
    ],
)
def test_refuses_types_outside_the_allow_list(head):
    assert sniff(head) not in ALLOWED


def test_active_content_is_served_as_octet_stream():
    assert served_type("text/html") == "application/octet-stream"
    assert served_type("image/svg+xml") == "application/octet-stream"
    assert served_type("multipart/related") == "application/octet-stream"
    assert served_type("image/png") == "image/png"


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../x", "x"),
        ("C:\\Users\\a\\shot.png", "shot.png"),
        (".htaccess", "htaccess"),
        ("a\x00b\nc.txt", "a_b_c.txt"),
        ("", "evidence"),
        ("..", "evidence"),
        ("x" * 300 + ".png", "x" * 196 + ".png"),
    ],
)
def test_safe_filename_keeps_a_base_name_only(raw, safe):
    assert safe_filename(raw) == safe
