"""The committed build outputs: vendored npm files and compiled catalogues match their sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
VENDORED = {
    "htmx.org/dist/htmx.min.js": "htmx.min.js",
    "@utrecht/component-library-css/dist/index.css": "utrecht-component-library.css",
    "@utrecht/design-tokens/dist/theme.css": "utrecht-design-tokens.css",
}


@pytest.mark.parametrize(("source", "copy"), VENDORED.items())
def test_vendored_static_files_match_the_npm_packages(source: str, copy: str) -> None:
    origin = ROOT / "node_modules" / source
    if not origin.exists():
        pytest.skip("node_modules is not installed (npm ci)")
    assert (ROOT / "web" / "static" / "vendor" / copy).read_bytes() == origin.read_bytes(), (
        "run make web-assets"
    )


@pytest.mark.parametrize("locale", ["nl", "da"])
def test_catalogues_are_complete_and_compiled(locale: str) -> None:
    folder = ROOT / "web" / "locale" / locale / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as po_file:
        po = read_po(po_file)
    with (folder / "messages.mo").open("rb") as mo_file:
        mo = read_mo(mo_file)
    template_path = ROOT / "web" / "locale" / "messages.pot"
    with template_path.open("rb") as pot_file:
        template = read_po(pot_file)
    wanted = {_key(m.id) for m in template if m.id}
    untranslated = [m.id for m in po if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []
    assert wanted <= {_key(m.id) for m in po if m.id}, "run make web-translations"
    compiled = {_key(m.id): _key(m.string) for m in mo if m.id}
    assert {_key(m.id): _key(m.string) for m in po if m.id} == compiled, "compile the .mo"


def _key(value: object) -> object:
    return tuple(value) if isinstance(value, (list, tuple)) else value
