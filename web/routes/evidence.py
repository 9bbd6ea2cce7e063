"""Evidence: upload with progress, download, verify the hash, and the dossier export."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from starlette.datastructures import UploadFile

from web import htmx
from web.client import Download
from web.deps import Lang, Session, UserApi
from web.uploads import upload_files

router = APIRouter(include_in_schema=False)
PASSED_HEADERS = ("content-type", "content-disposition", "content-length", "etag", "digest", "repr-digest")


def _stream(download: Download) -> StreamingResponse:
    headers = {k: v for k, v in download.headers.items() if k.lower() in PASSED_HEADERS}
    headers["Cache-Control"] = "no-store"
    headers["X-Content-Type-Options"] = "nosniff"
    return StreamingResponse(download.chunks(), headers=headers)


@router.post("/incidents/{incident_id}/evidence")
async def upload_evidence(
    request: Request, incident_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Store files as evidence; the API hashes them and refuses types it does not keep."""
    form = await request.form()
    files = [f for f in form.getlist("file") if isinstance(f, UploadFile) and f.filename]
    fields = {
        "description": str(form.get("description") or ""),
        "sourceUrl": str(form.get("sourceUrl") or ""),
    }
    context = {
        "form": fields,
        "fields": ("file", "description", "sourceUrl"),
        "login_link": False,
        "prefix": "evidence-",
    }
    if not files:
        errors = {"file": lang.gettext("Choose a file to upload.")}
        return _errors(
            request, {**context, "errors": errors, "messages": [lang.gettext("Nothing was uploaded.")]}
        )
    limit = request.app.state.max_upload_bytes
    too_large = [f for f in files if f.size is not None and f.size > limit]
    if too_large:
        message = lang.gettext(
            "%(name)s is too large (%(size)s); the limit is %(limit)s.",
            name=too_large[0].filename or "",
            size=lang.filesize(too_large[0].size or 0),
            limit=lang.filesize(limit),
        )
        return _errors(request, {**context, "errors": {"file": message}, "messages": [message]})
    failures = await upload_files(api, incident_id, files, lang=lang, fields=fields)
    if failures:
        stored = len(files) - len(failures)
        messages = [*failures]
        if stored:
            messages.insert(
                0, lang.ngettext("%(num)s file was stored.", "%(num)s files were stored.", stored)
            )
        return _errors(request, {**context, "errors": {"file": failures[0]}, "messages": messages})
    session.flash(
        "success", lang.ngettext("%(num)s file was stored.", "%(num)s files were stored.", len(files))
    )
    return htmx.redirect(request, f"/incidents/{incident_id}#evidence")


def _errors(request: Request, context: dict[str, Any]) -> Response:
    if request.headers.get("HX-Request") == "true":
        return htmx.oob_only(request, "forms/errors_oob.html", context, status_code=400)
    message = " ".join(str(m) for m in context["messages"])
    return htmx.render(request, "error.html", {"message": message}, status_code=400)


@router.get("/evidence/{evidence_id}/content")
async def download_evidence(evidence_id: str, api: UserApi) -> Response:
    """The stored file, as an attachment (the API records the download)."""
    return _stream(await api.evidence_content(evidence_id))


@router.post("/incidents/{incident_id}/evidence/{evidence_id}/verify")
async def verify_evidence(
    request: Request, incident_id: str, evidence_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Re-read the stored file and compare its SHA-256 with the one taken at upload."""
    result = await api.verify_evidence(evidence_id)
    text = {
        "ok": lang.gettext("Verified: the file is unchanged (SHA-256 matches)."),
        "mismatch": lang.gettext("Warning: the stored file no longer matches its SHA-256."),
        "missing": lang.gettext("Warning: the stored file is missing."),
    }.get(result.result, result.result)
    level = "success" if result.result == "ok" else "error"
    if request.headers.get("HX-Request") == "true":
        return htmx.render(
            request, "incidents/verification.html", {"text": text, "level": level, "evidence_id": evidence_id}
        )
    session.flash(level, text)
    return htmx.redirect(request, f"/incidents/{incident_id}#evidence")


@router.get("/incidents/{incident_id}/dossier")
async def export_dossier(incident_id: str, api: UserApi) -> Response:
    """The police-ready ZIP: files, manifest, SHA256SUMS and report."""
    return _stream(await api.dossier(incident_id))
