# Weerbaar production image: API, web UI and worker share it (the command picks the role).
# Build:  docker build -t weerbaar .
FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
COPY api ./api
COPY web ./web
RUN python -m venv /opt/weerbaar \
 && /opt/weerbaar/bin/pip install --upgrade pip \
 && /opt/weerbaar/bin/pip install .

FROM python:3.11-slim-bookworm AS runtime
# WeasyPrint renders the PDFs (dossier report, letters, receipts) with Pango and these fonts.
# Debian's Chromium loads the pages of web captures (WEERBAAR_CAPTURE_BROWSER_PATH); Playwright
# drives it and never downloads a browser of its own.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    chromium fonts-liberation \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /srv/weerbaar --create-home weerbaar
COPY --from=build /opt/weerbaar /opt/weerbaar
WORKDIR /srv/weerbaar
# Alembic migrations are read from the source tree next to the installed packages.
COPY --chown=weerbaar:weerbaar migrations ./migrations
COPY --chown=weerbaar:weerbaar app ./app
COPY --chown=weerbaar:weerbaar api ./api
COPY --chown=weerbaar:weerbaar web ./web
ENV PATH=/opt/weerbaar/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/srv/weerbaar \
    WEERBAAR_ENVIRONMENT=production \
    WEERBAAR_DATA_DIR=/srv/weerbaar/var
USER weerbaar
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)" || exit 1
CMD ["weerbaar", "serve", "--host", "0.0.0.0", "--port", "8000", "--api-only"]
