"""Files from the browser to the API: checks that can be made early, and the upload itself."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import filetype  # type: ignore[import-untyped]
from starlette.datastructures import UploadFile

from web.client import Api, ApiError, Upload
from web.errors import describe
from web.i18n import Language


async def check_screenshots(files: Sequence[UploadFile], *, lang: Language, max_bytes: int) -> str | None:
    """Screenshots must be images under the size limit; checked before anything is registered."""
    for item in files:
        if item.size is not None and item.size > max_bytes:
            return lang.gettext(
                "%(name)s is too large (%(size)s); the limit is %(limit)s.",
                name=item.filename or "",
                size=lang.filesize(item.size),
                limit=lang.filesize(max_bytes),
            )
        head = await item.read(261)
        await item.seek(0)
        if not head or not filetype.is_image(head):
            return lang.gettext(
                "%(name)s is not an image. Add screenshots as PNG, JPEG, GIF or WebP; "
                "other files can be added as evidence on the incident page.",
                name=item.filename or "",
            )
    return None


async def upload_files(
    api: Api,
    incident_id: str,
    files: Sequence[UploadFile],
    *,
    lang: Language,
    kind: str | None = None,
    fields: Mapping[str, str] | None = None,
) -> list[str]:
    """Upload each file as evidence; the messages of the ones the API refused."""
    failures = []
    for item in files:
        upload = Upload(
            filename=item.filename or "upload",
            content_type=item.content_type or "application/octet-stream",
            stream=item.file,
        )
        try:
            await api.upload_evidence(incident_id, upload, {"kind": kind or "", **(fields or {})})
        except ApiError as exc:
            failures.append(
                lang.gettext(
                    "%(name)s was not stored: %(reason)s",
                    name=upload.filename,
                    reason=describe(lang.gettext, exc),
                )
            )
    return failures
