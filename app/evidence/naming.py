"""The name a stored file is handed out under: the client's words, never the client's extension.

A client chooses an evidence file's name, so the name may carry bidi controls that show
`invoice\u202etxt.bat` as "invoicetab.txt", control characters, path parts, or an extension that
lies about the content. The name handed out keeps the readable stem and takes the extension of
the type sniffed from the content.
"""

from __future__ import annotations

import re
import unicodedata

# The extension a saved file gets for each sniffed type; the first one unless the client's own
# extension is one of the others (photo.jpeg stays .jpeg).
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg", ".jpe"),
    "image/png": (".png",),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "image/heic": (".heic",),
    "image/heif": (".heif",),
    "image/avif": (".avif",),
    "image/tiff": (".tif", ".tiff"),
    "image/bmp": (".bmp",),
    "image/svg+xml": (".svg",),
    "video/mp4": (".mp4", ".m4v"),
    "video/quicktime": (".mov",),
    "video/webm": (".webm",),
    "video/x-matroska": (".mkv",),
    "video/x-msvideo": (".avi",),
    "video/mpeg": (".mpeg", ".mpg"),
    "video/3gpp": (".3gp",),
    "audio/mpeg": (".mp3",),
    "audio/mp4": (".m4a",),
    "audio/ogg": (".ogg", ".oga", ".opus"),
    "audio/wav": (".wav",),
    "audio/x-wav": (".wav",),
    "audio/flac": (".flac",),
    "audio/x-flac": (".flac",),
    "audio/aac": (".aac",),
    "audio/amr": (".amr",),
    "application/pdf": (".pdf",),
    "message/rfc822": (".eml",),
    "text/html": (".html", ".htm"),
    "multipart/related": (".mhtml", ".mht"),
    "application/warc": (".warc",),
    "application/wacz": (".wacz",),
    "text/plain": (".txt", ".log"),
    "application/zip": (".zip",),
    "text/csv": (".csv",),
}
UNKNOWN_EXTENSION = ".bin"
# Unicode categories never shown in a name: controls, formats (bidi overrides and isolates,
# zero-width characters), line and paragraph separators, private use, surrogates, unassigned.
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})
_UNSAFE = re.compile(r'[<>:"|?*;\\/]')
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])$", re.I)
MAX_STEM = 150


def visible(text: str) -> str:
    """The text without the characters that hide or reorder what is shown (NFC)."""
    return "".join(c for c in unicodedata.normalize("NFC", text) if unicodedata.category(c) not in _HIDDEN)


def download_name(filename: str, content_type: str, *, default_stem: str = "evidence") -> str:
    """A safe file name: the client's readable stem and the extension of the sniffed type."""
    name = visible(filename).replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join(_UNSAFE.sub("_", name).split())  # one space between words, none at the ends
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    allowed = EXTENSIONS.get(content_type, ())
    chosen = f".{extension}"
    if chosen.lower() not in allowed:
        chosen = allowed[0] if allowed else UNKNOWN_EXTENSION
    stem = stem.strip(" .")[:MAX_STEM].strip(" .") or default_stem
    if _WINDOWS_RESERVED.match(stem):
        stem = f"_{stem}"
    return stem + chosen
