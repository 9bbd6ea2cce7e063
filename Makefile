# Weerbaar: `make run` starts the system, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-12)
NPM_STAMP := node_modules/.installed-$(shell sha256sum package-lock.json | cut -c1-12)
RULESET ?= ../shared/adr/ruleset.yaml

.PHONY: install run test lint typecheck pytest fuzz test-gir-push bench-gir-push openapi spectral bench bench-web bench-load clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip 2>/dev/null
	@$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]' 2>&1 | grep -v '^WARNING: Location' || true
	@$(BIN)/python -c "import app, api, web" && rm -f $(VENV)/.installed-* && touch $(STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@rm -f node_modules/.installed-* && touch $(NPM_STAMP)

run: install
	$(BIN)/weerbaar serve

test: install lint typecheck spectral pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy app api web

# Two cores in CI: the suite runs in PYTEST_WORKERS processes (browser tests spend much of their time
# waiting, so one more worker than cores keeps both busy); each worker starts its own servers.
PYTEST_WORKERS ?= 3
# node_modules first when npm is there (tests/integrator runs openapi-typescript; CI=true requires it).
pytest: install
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory $(NPM_STAMP); fi
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal --durations=15 --durations-min=5

# Contract fuzzing at length: schemathesis (every check, every phase, stateful included) for
# FUZZ_SECONDS (the suite gives it 60) with FUZZ_EXAMPLES examples per operation; findings in
# tests/artifacts/schemathesis.txt.
FUZZ_SECONDS ?= 900
FUZZ_EXAMPLES ?= 100
fuzz: install
	WEERBAAR_FUZZ_SECONDS=$(FUZZ_SECONDS) WEERBAAR_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
		$(BIN)/pytest -p no:xdist -p no:randomly tests/integration/test_contract_fuzzing.py

# The integrations' done-when at full size: the same 1,000 incidents pushed twice, on both databases
# (the suite pushes 120); the time per database is printed (figures in bench/README.md).
bench-gir-push: install
	WEERBAAR_GIR_PUSH_INCIDENTS=1000 $(BIN)/pytest -s -p no:xdist tests/integration/test_gir_push.py
test-gir-push: bench-gir-push

openapi: install
	$(BIN)/python -m api.contract openapi/openapi.json

# The Dutch API Design Rules linter; needs Node.js (skipped locally without it, required in CI).
spectral:
	@if command -v npm >/dev/null && [ -f $(RULESET) ]; then \
		$(MAKE) --no-print-directory $(NPM_STAMP) && \
		npx --no-install spectral lint --fail-severity=error -r $(RULESET) openapi/openapi.json; \
	elif [ "$$CI" = "true" ]; then echo "spectral: npm or $(RULESET) missing" >&2; exit 1; \
	else echo "spectral: skipped (npm or $(RULESET) missing)"; fi

# Benchmarks (results in bench/README.md); BENCH_ARGS=--quick for a short incident-list run.
bench: install
	$(BIN)/python -m bench.incidents_list --readme $(BENCH_ARGS)
	@for module in evidence_upload; do \
		if [ -f bench/$$module.py ]; then $(BIN)/python -m bench.$$module || exit 1; \
		else echo "bench.$$module: skipped (not present)"; fi; \
	done

# The web pages (dashboard, incident page, list) on 10,000 incidents; BENCH_ARGS=--size 2000 for a short run.
bench-web: install
	$(BIN)/python -m bench.web_pages --readme $(BENCH_ARGS)

# Load: 24 staff clients (create, upload, patch, list) while 40 failed logins arrive, on SQLite and
# PostgreSQL; BENCH_ARGS="--databases sqlite --rounds 4" for a short run, "--workers 2" for two processes.
bench-load: install
	$(BIN)/python -m bench.load $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache

# The web UI's browser assets come from npm (htmx.org, NL Design System CSS) and are copied into
# web/static/vendor, which is committed, so `make run` needs no Node.js. Run after changing versions.
WEB_VENDOR := web/static/vendor
.PHONY: web-assets web-translations
web-assets: $(NPM_STAMP)
	@mkdir -p $(WEB_VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(WEB_VENDOR)/htmx.min.js
	cp node_modules/@utrecht/component-library-css/dist/index.css $(WEB_VENDOR)/utrecht-component-library.css
	cp node_modules/@utrecht/design-tokens/dist/theme.css $(WEB_VENDOR)/utrecht-design-tokens.css

# Extract the UI's messages, merge them into the nl/da catalogues and compile the .mo files
# (both are committed; tests check that they match).
web-translations: install
	$(BIN)/python -m web.catalogue
