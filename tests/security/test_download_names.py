"""Download names: no control or bidi characters, and the extension of the sniffed content.

A client chooses an evidence file's name; `invoice\u202etxt.bat` shows as "invoicetab.txt" in a
browser's download bar. What is handed out keeps the readable stem, drops every character that
hides or reorders text, and takes the extension of the type sniffed from the content.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from urllib.parse import unquote

from tests.evidence.helpers import create_incident, png, upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TEXT = b"Je weet waar je woont.\n"
# (client's name, content, name handed out, its plain-ASCII fallback)
CASES = [
    ("invoice\u202etxt.bat", png(), "invoicetxt.png", "invoicetxt.png"),
    ("photo\u2067gpj.exe\u2069", png(seed=1), "photogpj.png", "photogpj.png"),
    ("rapport\u200f 2026\u200e.exe", PDF, "rapport 2026.pdf", "rapport 2026.pdf"),
    ("notes.exe", TEXT, "notes.txt", "notes.txt"),
    ("Photo.PNG", png(seed=2), "Photo.PNG", "Photo.PNG"),
    ("screenshot", png(seed=3), "screenshot.png", "screenshot.png"),
    ("kaart.svg", png(seed=4), "kaart.png", "kaart.png"),
    ("..\\..\\windows\\evil.png", png(seed=5), "evil.png", "evil.png"),
    ("CON.png", png(seed=6), "_CON.png", "_CON.png"),
    ("Ærø skærmbillede.png", png(seed=7), "Ærø skærmbillede.png", "_r_ sk_rmbillede.png"),
    ("schermafbeelding é\u200b.png", png(seed=8), "schermafbeelding é.png", "schermafbeelding e.png"),
    ("\u202e\u2066.png", png(seed=9), "evidence.png", "evidence.png"),
]
HIDDEN = {"Cc", "Cf", "Zl", "Zp"}


def _parts(disposition: str) -> tuple[str, str]:
    """(filename, decoded filename*) of an RFC 6266 attachment header."""
    match = re.fullmatch(
        r"attachment; filename=\"([^\"\\]*)\"; filename\*=UTF-8''([A-Za-z0-9%._~-]*)", disposition
    )
    assert match, disposition
    return match.group(1), unquote(match.group(2), encoding="utf-8", errors="strict")


def test_downloads_carry_safe_names_with_the_sniffed_extension(client, org):
    incident = create_incident(client, org["employee"])
    handed_out = []
    for client_name, content, expected, fallback in CASES:
        item = upload(client, incident["id"], org["employee"], content, filename=client_name)
        assert item.status_code == 201, (client_name, item.text)
        response = client.get(
            f"/api/v1/evidence/{item.json()['id']}/content", headers=org["employee"].headers
        )
        assert response.status_code == 200
        disposition = response.headers["content-disposition"]
        assert disposition.isascii() and disposition.isprintable()
        plain, utf8 = _parts(disposition)
        assert (utf8, plain) == (expected, fallback), client_name
        assert not any(unicodedata.category(c) in HIDDEN for c in utf8)
        handed_out.append(expected)
    # The dossier names its files the same way.
    dossier = client.get(f"/api/v1/incidents/{incident['id']}/dossier", headers=org["case_handler"].headers)
    assert dossier.status_code == 200, dossier.text
    names = zipfile.ZipFile(io.BytesIO(dossier.content)).namelist()
    files = [n.split("-", 1)[1] for n in names if n.startswith("evidence/")]
    assert files == handed_out
    plain, utf8 = _parts(dossier.headers["content-disposition"])
    assert plain == utf8 == f"{incident['reference']}-dossier.zip"
