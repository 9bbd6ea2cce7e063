"""The staff web UI. It talks to the API over HTTP only (see web/client.py in later work)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

PAGE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Weerbaar</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Weerbaar</h1>
<p>De API draait op <a href="/api/v1/openapi.json">/api/v1</a>.
De webinterface voor medewerkers volgt.</p></main></body></html>"""


def create_web(api_url: str) -> FastAPI:
    """The web UI application, consuming the API at api_url."""
    web = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    web.state.api_url = api_url

    @web.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home() -> str:
        return PAGE

    return web
