"""Packaging a recording: the WARC of every exchange as WACZ, the screenshot, and the metadata JSON."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import uuid
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

from app import API_VERSION
from app.capture.fetch import CaptureFailed, Exchange
from app.capture.models import CaptureReason
from app.capture.recorder import Recording


def _iso(value: Any) -> str:
    return str(value.isoformat().replace("+00:00", "Z"))


def tool_versions(recording: Recording) -> dict[str, str]:
    """The software that made the capture, for the metadata and the WARC's warcinfo."""
    found = {"weerbaar": API_VERSION, "chromium": recording.browser_version}
    for package in ("playwright", "warcio", "wacz", "httpx"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "unknown"
    return found


def _http_response_headers(exchange: Exchange) -> StatusAndHeaders:
    # The body is kept de-chunked: the framing header is renamed as replay tools expect.
    headers = [
        ("X-Archive-Orig-Transfer-Encoding", v) if k.lower() == "transfer-encoding" else (k, v)
        for k, v in exchange.response_headers
    ]
    return StatusAndHeaders(
        f"{exchange.status} {exchange.reason}".strip(), headers, protocol=exchange.http_version
    )


def _http_request_headers(exchange: Exchange) -> StatusAndHeaders:
    parts = urlsplit(exchange.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return StatusAndHeaders(
        f"{exchange.method} {target} {exchange.http_version}",
        exchange.request_headers,
        is_http_request=True,
    )


def write_warc(path: Path, recording: Recording, *, capture_id: uuid.UUID) -> None:
    """Every exchange as a response and a request record, then the rendered DOM and screenshot."""
    versions = tool_versions(recording)
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        info = {
            "software": " ".join(f"{k}/{v}" for k, v in versions.items()),
            "format": "WARC File Format 1.0",
            "isPartOf": f"weerbaar-capture-{capture_id}",
            "description": f"Capture of {recording.requested_url}",
            "http-header-user-agent": recording.user_agent,
        }
        writer.write_record(writer.create_warcinfo_record(path.name, info))
        for exchange in recording.exchanges:
            warc_headers = {"WARC-Date": _iso(exchange.at), "WARC-IP-Address": exchange.address}
            response = writer.create_warc_record(
                exchange.url,
                "response",
                payload=io.BytesIO(exchange.body),
                length=len(exchange.body),
                http_headers=_http_response_headers(exchange),
                warc_headers_dict=warc_headers,
            )
            request = writer.create_warc_record(
                exchange.url,
                "request",
                payload=io.BytesIO(exchange.request_body),
                length=len(exchange.request_body),
                http_headers=_http_request_headers(exchange),
                warc_headers_dict={"WARC-Date": _iso(exchange.at)},
            )
            request.rec_headers.add_header(
                "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
            )
            writer.write_record(response)
            writer.write_record(request)
        when = {"WARC-Date": _iso(recording.finished_at)}
        for uri, content_type, data in (
            (f"urn:dom:{recording.final_url}", "text/html; charset=utf-8", recording.dom.encode()),
            (f"urn:view:{recording.final_url}", "image/png", recording.screenshot),
        ):
            writer.write_record(
                writer.create_warc_record(
                    uri,
                    "resource",
                    payload=io.BytesIO(data),
                    length=len(data),
                    warc_content_type=content_type,
                    warc_headers_dict=when,
                )
            )


def write_wacz(warc: Path, out: Path, recording: Recording) -> None:
    """The WARC packaged by Webrecorder's `wacz` (index, pages, datapackage with hashes)."""
    from wacz.main import main as wacz_main  # type: ignore[import-untyped]  # late: it loads frictionless, a second of imports

    pages = out.parent / "pages.jsonl"
    header = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
    page = {"id": uuid.uuid4().hex, "url": recording.final_url, "ts": _iso(recording.finished_at),
            "title": recording.title or recording.final_url}  # fmt: skip
    pages.write_text(json.dumps(header) + "\n" + json.dumps(page) + "\n", encoding="utf-8")
    args = ["create", "-o", str(out), "-p", str(pages), "--hash-type", "sha256",
            "--title", (recording.title or recording.final_url)[:200],
            "--desc", f"Web capture of {recording.requested_url[:500]}", str(warc)]  # fmt: skip
    with contextlib.redirect_stdout(io.StringIO()):
        code = wacz_main(args)
    if code not in (0, None) or not out.exists():
        raise CaptureFailed(CaptureReason.internal_error, f"wacz create failed ({code})")


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def metadata(
    recording: Recording, *, capture_id: uuid.UUID, requested_by: dict[str, Any], files: dict[str, Path]
) -> dict[str, Any]:
    """What the capture saw and how, as the third evidence item (names the other two by hash)."""
    main = recording.main
    return {
        "format": "weerbaar-web-capture/1",
        "captureId": str(capture_id),
        "requestedUrl": recording.requested_url,
        "finalUrl": recording.final_url,
        "httpStatus": main.status,
        "httpVersion": main.http_version,
        "responseHeaders": [[k, v] for k, v in main.response_headers],
        "serverIp": main.address,
        "userAgent": recording.user_agent,
        "title": recording.title,
        "startedAt": _iso(recording.started_at),
        "finishedAt": _iso(recording.finished_at),
        "redirects": [
            {"url": r.url, "httpStatus": r.status, "location": r.header("location"), "serverIp": r.address}
            for r in recording.redirects
        ],
        "resources": [
            {
                "url": e.url,
                "httpStatus": e.status,
                "contentType": e.header("content-type"),
                "size": len(e.body),
                "serverIp": e.address,
                "at": _iso(e.at),
            }
            for e in recording.exchanges
        ],
        "refusedRequests": recording.refused,
        "bytesFetched": recording.fetched_bytes,
        "requestedBy": requested_by,
        "files": {
            name: {"filename": path.name, "sha256": sha256_of(path), "size": path.stat().st_size}
            for name, path in files.items()
        },
        "tools": tool_versions(recording),
    }


@dataclass(frozen=True)
class Package:
    """The three files of a capture, on local disk, ready to be stored."""

    wacz: Path
    screenshot: Path
    metadata: Path


def package(
    recording: Recording, *, workdir: Path, capture_id: uuid.UUID, requested_by: dict[str, Any]
) -> Package:
    """Write the WARC, the WACZ, the screenshot and the metadata under workdir."""
    stem = f"capture-{recording.finished_at.strftime('%Y%m%dT%H%M%SZ')}-{str(capture_id)[:8]}"
    warc = workdir / f"{stem}.warc.gz"
    write_warc(warc, recording, capture_id=capture_id)
    wacz = workdir / f"{stem}.wacz"
    write_wacz(warc, wacz, recording)
    screenshot = workdir / f"{stem}.png"
    screenshot.write_bytes(recording.screenshot)
    meta = workdir / f"{stem}.json"
    facts = metadata(
        recording,
        capture_id=capture_id,
        requested_by=requested_by,
        files={"wacz": wacz, "screenshot": screenshot},
    )
    meta.write_text(json.dumps(facts, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return Package(wacz=wacz, screenshot=screenshot, metadata=meta)
