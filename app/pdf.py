"""PDF rendering from HTML (WeasyPrint): dossier reports, letters and receipts.

Templates are Jinja2 HTML with autoescaping; rendering never fetches anything from the network.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import BaseLoader, Environment, select_autoescape

_env = Environment(loader=BaseLoader(), autoescape=select_autoescape(default=True, default_for_string=True))

BASE_CSS = """
@page { size: A4; margin: 20mm 18mm; @bottom-right { content: counter(page) " / " counter(pages);
  font-size: 8pt; color: #555; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.4; color: #111; }
h1 { font-size: 16pt; margin: 0 0 4mm; } h2 { font-size: 12pt; margin: 6mm 0 2mm; }
table { border-collapse: collapse; width: 100%; } td, th { border: 0.5pt solid #999;
  padding: 1.5mm; vertical-align: top; text-align: left; } th { background: #eee; }
.mono { font-family: "DejaVu Sans Mono", monospace; font-size: 8pt; word-break: break-all; }
"""


@cache
def _fetcher_class() -> type:
    # WeasyPrint is imported lazily (slow to import); its 70.x fetcher interface is a URLFetcher
    # subclass whose fetch(url, headers) returns a URLFetcherResponse (a plain function fails).
    from weasyprint.urls import URLFetcher

    class DataOnlyFetcher(URLFetcher):  # type: ignore[misc]
        """Refuses every URL but an embedded data: URI: no network, no file://. A refused image or
        stylesheet is left out with a warning; the document still renders."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False)

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url[:5].lower() != "data:":
                raise ValueError(f"PDF rendering fetches no resources ({url[:100]})")
            return super().fetch(url, headers)

    return DataOnlyFetcher


def data_only_fetcher() -> Any:
    """A WeasyPrint URL fetcher that only decodes data: URIs."""
    return _fetcher_class()()


def render_template(source: str, context: dict[str, Any]) -> str:
    """Render a Jinja2 HTML template string with autoescaping."""
    return _env.from_string(source).render(**context)


def html_to_pdf(html: str, *, css: str = BASE_CSS, variant: str | None = None) -> bytes:
    """The HTML as a PDF document (A4); `variant` e.g. "pdf/a-2b" for an archival PDF/A."""
    from weasyprint import CSS, HTML

    fetcher = data_only_fetcher()
    document = HTML(string=html, url_fetcher=fetcher)
    stylesheets = [CSS(string=css, url_fetcher=fetcher)]
    pdf: bytes = document.write_pdf(stylesheets=stylesheets, pdf_variant=variant)
    return pdf
