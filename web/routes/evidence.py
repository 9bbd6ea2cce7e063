"""Evidence: upload (saying so when a file is already stored), details, legal hold, custody log,
verification, removal, download and the dossier export."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from starlette.datastructures import UploadFile

from web import htmx
from web.client import Api, ApiError, Download, FieldProblem, Upload
from web.deps import Lang, Session, UserApi
from web.errors import describe
from web.forms import local_to_utc, utc_to_local_input
from web.refusal import refuse

router = APIRouter(include_in_schema=False)
PASSED_HEADERS = (
    "content-type",
    "content-disposition",
    "content-language",
    "content-length",
    "etag",
    "digest",
    "repr-digest",
)
DETAIL_FIELDS = ("sourceUrl", "capturedAt", "accountHandle", "description", "kind")


def _stream(download: Download, *, filename: str | None = None) -> StreamingResponse:
    """The API's download streamed on to the browser (as an attachment named filename, if given)."""
    headers = {k: v for k, v in download.headers.items() if k.lower() in PASSED_HEADERS}
    if filename:
        headers = {k: v for k, v in headers.items() if k.lower() != "content-disposition"}
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    headers["Cache-Control"] = "no-store"
    headers["X-Content-Type-Options"] = "nosniff"
    return StreamingResponse(download.chunks(), headers=headers)


def incident_page(api: Api, incident_id: str) -> Callable[[], Awaitable[tuple[str, dict[str, Any]]]]:
    """The incident page, for re-rendering a refused form without JavaScript."""

    async def load() -> tuple[str, dict[str, Any]]:
        from web.routes.incidents import detail_context

        return "incidents/detail.html", await detail_context(api, incident_id)

    return load


def _problem(status: int, field: str, code: str, message: str) -> ApiError:
    return ApiError(status=status, detail=message, errors=[FieldProblem("body", field, code, message)])


@router.post("/incidents/{incident_id}/evidence")
async def upload_evidence(
    request: Request, incident_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Store files as evidence; a file the incident already holds is named, not silently dropped."""
    form = await request.form()
    files = [f for f in form.getlist("file") if isinstance(f, UploadFile) and f.filename]
    fields = {
        "description": str(form.get("description") or ""),
        "sourceUrl": str(form.get("sourceUrl") or "").strip(),
    }
    refusal: dict[str, Any] = {
        "fields": ("file", "description", "sourceUrl"),
        "form": fields,
        "prefix": "evidence-",
    }
    page = incident_page(api, incident_id)
    if not files:
        exc = _problem(400, "file", "required", lang.gettext("Choose a file to upload."))
        return await refuse(request, lang, exc, page=page, **refusal)
    limit = request.app.state.max_upload_bytes
    too_large = [f for f in files if f.size is not None and f.size > limit]
    if too_large:
        message = lang.gettext(
            "%(name)s is too large (%(size)s); the limit is %(limit)s.",
            name=too_large[0].filename or "",
            size=lang.filesize(too_large[0].size or 0),
            limit=lang.filesize(limit),
        )
        exc = _problem(413, "file", "too_large", message)
        extra = {"messages": [message], "errors": {"file": message}}
        return await refuse(request, lang, exc, page=page, extra=extra, **refusal)
    stored, known, failures = 0, [], []
    first_refusal: ApiError | None = None
    for item in files:
        upload = Upload(
            filename=item.filename or "upload",
            content_type=item.content_type or "application/octet-stream",
            stream=item.file,
        )
        try:
            evidence, created = await api.store_evidence(incident_id, upload, fields)
        except ApiError as exc:
            if exc.status == 401:
                return await refuse(request, lang, exc, page=page, **refusal)
            first_refusal = first_refusal or exc
            failures.append(
                lang.gettext(
                    "%(name)s was not stored: %(reason)s",
                    name=upload.filename,
                    reason=describe(lang.gettext, exc),
                )
            )
            continue
        if created:
            stored += 1
        else:
            known.append(
                lang.gettext(
                    "%(name)s is already stored as %(existing)s (uploaded %(when)s); "
                    "nothing was added. You can edit its details below.",
                    name=upload.filename,
                    existing=evidence.filename,
                    when=lang.datetime(evidence.uploaded_at, "short"),
                )
            )
    if first_refusal is not None:
        messages = [*known, *failures]
        if stored:
            messages.insert(
                0, lang.ngettext("%(num)s file was stored.", "%(num)s files were stored.", stored)
            )
        answer = ApiError(
            status=first_refusal.status,
            detail=first_refusal.detail,
            type=first_refusal.type,
            errors=[
                FieldProblem(
                    "body",
                    p.name if p.name.split("/")[0] in refusal["fields"] else "file",
                    p.code,
                    p.detail,
                )
                for p in first_refusal.errors
            ]
            or [FieldProblem("body", "file", "invalid", first_refusal.detail)],
        )
        extra = {"messages": messages, "errors": {"file": failures[0]}}
        return await refuse(request, lang, answer, page=page, extra=extra, **refusal)
    if stored:
        session.flash(
            "success", lang.ngettext("%(num)s file was stored.", "%(num)s files were stored.", stored)
        )
    for message in known:
        session.flash("info", message)
    return htmx.redirect(request, f"/incidents/{incident_id}#evidence")


def _detail_values(form: Any) -> dict[str, str]:
    return {name: str(form.get(name) or "") for name in (*DETAIL_FIELDS, "original")}


def _detail_body(values: dict[str, str]) -> dict[str, Any]:
    """A merge patch of what changed since the form was opened (empty clears the field)."""
    try:
        original = json.loads(values["original"])
    except (json.JSONDecodeError, TypeError):
        original = {}
    if not isinstance(original, dict):
        original = {}
    body: dict[str, Any] = {}
    for name in DETAIL_FIELDS:
        value = values[name].strip()
        if name in original and str(original[name] or "").strip() == value:
            continue
        if name == "capturedAt":
            body[name] = local_to_utc(value)
        elif name == "description":
            body[name] = value
        else:
            body[name] = value or None
    return body


@router.post("/incidents/{incident_id}/evidence/{evidence_id}/details")
async def change_details(
    request: Request, incident_id: str, evidence_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Correct or complete an item's details: source URL, capture time, account, description, kind."""
    form = await request.form()
    values = _detail_values(form)
    body = _detail_body(values)
    prefix = f"ev-{evidence_id}-"
    try:
        if body:
            _item, etag = await api.get_evidence(evidence_id)
            await api.update_evidence(evidence_id, body, etag=etag)
    except ApiError as exc:
        return await refuse(
            request,
            lang,
            exc,
            fields=DETAIL_FIELDS,
            form=values,
            prefix=prefix,
            page=incident_page(api, incident_id),
        )
    if body:
        session.flash("success", lang.gettext("The details of the evidence are saved."))
    else:
        session.flash("info", lang.gettext("Nothing was changed."))
    return htmx.redirect(request, f"/incidents/{incident_id}#evidence-{evidence_id}")


@router.post("/incidents/{incident_id}/evidence/{evidence_id}/legal-hold")
async def change_legal_hold(
    request: Request, incident_id: str, evidence_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Set or release the legal hold, with the reason."""
    form = await request.form()
    active = str(form.get("active") or "") == "true"
    reason = str(form.get("reason") or "").strip()
    try:
        await api.set_legal_hold(evidence_id, active=active, reason=reason)
    except ApiError as exc:
        return await refuse(
            request,
            lang,
            exc,
            fields=("reason", "active"),
            form={"reason": reason},
            prefix=f"hold-{evidence_id}-",
            page=incident_page(api, incident_id),
        )
    session.flash(
        "success",
        lang.gettext("The legal hold is set.") if active else lang.gettext("The legal hold is released."),
    )
    return htmx.redirect(request, f"/incidents/{incident_id}#evidence-{evidence_id}")


@router.post("/incidents/{incident_id}/evidence/{evidence_id}/removal")
async def remove_evidence(
    request: Request, incident_id: str, evidence_id: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Administrators: delete the file of a closed incident's item; its record with the hash stays."""
    form = await request.form()
    reason = str(form.get("reason") or "").strip()
    try:
        await api.remove_evidence(evidence_id, reason=reason)
    except ApiError as exc:
        return await refuse(
            request,
            lang,
            exc,
            fields=("reason", "incidentId", "legalHold"),
            form={"reason": reason},
            prefix=f"rm-{evidence_id}-",
            page=incident_page(api, incident_id),
        )
    session.flash("success", lang.gettext("The file is removed; its record with the SHA-256 stays."))
    return htmx.redirect(request, f"/incidents/{incident_id}#evidence-{evidence_id}")


@router.get("/evidence/{evidence_id}")
async def show_evidence(request: Request, evidence_id: str, api: UserApi) -> Response:
    """One item's details and its chain of custody: what happened to it, when, by whom and why."""
    item, _etag = await api.get_evidence(evidence_id)
    events = await api.custody_events(evidence_id)
    try:
        names = {u.id: u.name for u in await api.list_users()}
    except ApiError as exc:
        if exc.status not in (403, 404):
            raise
        names = {}
    context = {"item": item, "events": events, "user_names": names, "local_input": utc_to_local_input}
    return htmx.render(request, "evidence/detail.html", context)


@router.get("/evidence/{evidence_id}/content")
async def download_evidence(evidence_id: str, api: UserApi) -> Response:
    """The stored file, as an attachment (the API records the download)."""
    return _stream(await api.evidence_content(evidence_id))


@router.get("/evidence/{evidence_id}/timestamp")
async def download_timestamp(evidence_id: str, api: UserApi) -> Response:
    """The item's timestamp token (.tsr), as an attachment (the API records the download)."""
    return _stream(await api.evidence_timestamp(evidence_id))


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
    }.get(result.result, lang.gettext("Warning: the stored file is missing."))
    level = "success" if result.result == "ok" else "error"
    if request.headers.get("HX-Request") == "true":
        return htmx.render(
            request, "incidents/verification.html", {"text": text, "level": level, "evidence_id": evidence_id}
        )
    session.flash(level, text)
    return htmx.redirect(request, f"/incidents/{incident_id}#evidence-{evidence_id}")


@router.get("/incidents/{incident_id}/dossier")
async def export_dossier(incident_id: str, api: UserApi) -> Response:
    """The police-ready ZIP: files, manifest, SHA256SUMS and report."""
    return _stream(await api.dossier(incident_id))
