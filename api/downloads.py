"""Content-Disposition for downloads: an ASCII fallback and the UTF-8 name (RFC 6266, RFC 8187)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from app.evidence.naming import visible

_NOT_PLAIN = re.compile(r"[^A-Za-z0-9 ._()+,=@!#$&'~-]")


def content_disposition(filename: str) -> str:
    """`attachment` with the name as `filename` (plain ASCII) and `filename*` (UTF-8, encoded).

    Characters that hide or reorder text (controls, bidi overrides) are left out of both; a
    name that comes from a client also passes through app.evidence.naming.download_name first.
    """
    shown = visible(filename).replace("/", "_").replace("\\", "_").strip() or "download"
    decomposed = unicodedata.normalize("NFKD", shown)  # é: e and an accent, kept as e
    ascii_only = "".join(c if c.isascii() else "_" for c in decomposed if not unicodedata.combining(c))
    fallback = _NOT_PLAIN.sub("_", ascii_only).strip() or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(shown, safe='')}"
