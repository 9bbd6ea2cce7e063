"""Keep the UI catalogues in step with the code: extract, merge, add translations, compile.

    python -m web.catalogue [FILE.tsv ...]   # each line: English msgid<TAB>Dutch<TAB>Danish
    python -m web.catalogue --missing        # list what has no Dutch or Danish text yet

In the TSV, a literal newline in a message is written as \\n. Runs under a file lock, so two people
updating the catalogues at once do not overwrite each other's work.
"""

from __future__ import annotations

import fcntl
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE_DIR = ROOT / "web" / "locale"
TRANSLATED = ("nl", "da")


def _pybabel(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *args],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _sync() -> None:
    _pybabel(
        "extract",
        "-F",
        "web/babel.cfg",
        "-k",
        "N_",
        "-k",
        "_",
        "-k",
        "gettext",
        "-k",
        "ngettext:1,2",
        "--no-location",
        "--sort-output",
        "--project=Weerbaar",
        "--copyright-holder=Weerbaar",
        "-w",
        "100",
        "-o",
        "web/locale/messages.pot",
        ".",
    )
    _pybabel(
        "update",
        "-i",
        "web/locale/messages.pot",
        "-d",
        "web/locale",
        "--no-fuzzy-matching",
        "--ignore-obsolete",
        "-w",
        "100",
    )


def _unescape(text: str) -> str:
    return text.replace("\\n", "\n").replace("\\t", "\t")


def _apply(rows: list[tuple[str, str, str]]) -> None:
    for position, locale in enumerate(TRANSLATED, start=1):
        path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            catalogue = read_po(handle, locale=locale)
        for row in rows:
            message = catalogue.get(row[0])
            if message is not None and isinstance(message.id, str):
                message.string = row[position]
                message.flags.discard("fuzzy")
        with path.open("wb") as handle:
            write_po(handle, catalogue, width=100, omit_header=False)


def missing() -> list[str]:
    """Messages without a Dutch or a Danish text."""
    gaps = []
    for locale in TRANSLATED:
        with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalogue = read_po(handle, locale=locale)
        gaps += [f"{locale}\t{m.id}" for m in catalogue if m.id and (not m.string or m.fuzzy)]
    return gaps


def main(argv: list[str]) -> int:
    """Update the catalogues; with TSV files, add their translations first."""
    with (LOCALE_DIR / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _sync()
        if "--missing" in argv:
            print("\n".join(missing()))
            return 0
        rows: list[tuple[str, str, str]] = []
        for name in argv:
            for line in Path(name).read_text(encoding="utf-8").splitlines():
                if line.strip() and not line.startswith("#"):
                    english, dutch, danish = (_unescape(p) for p in line.split("\t")[:3])
                    rows.append((english, dutch, danish))
        _apply(rows)
        _sync()
        _pybabel("compile", "-d", "web/locale")
        gaps = missing()
    if gaps:
        print(f"{len(gaps)} messages still need a translation (python -m web.catalogue --missing)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
