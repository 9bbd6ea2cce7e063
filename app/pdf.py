"""PDF rendering from HTML (WeasyPrint): dossier reports, letters and receipts.

Templates are Jinja2 HTML with autoescaping; rendering never fetches anything from the network.
"""

from __future__ import annotations

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


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"PDF rendering does not fetch resources ({url})")


def render_template(source: str, context: dict[str, Any]) -> str:
    """Render a Jinja2 HTML template string with autoescaping."""
    return _env.from_string(source).render(**context)


def html_to_pdf(html: str, *, css: str = BASE_CSS) -> bytes:
    """The HTML as a PDF document (A4)."""
    from weasyprint import CSS, HTML

    pdf: bytes = HTML(string=html, url_fetcher=_no_fetch).write_pdf(stylesheets=[CSS(string=css)])
    return pdf
