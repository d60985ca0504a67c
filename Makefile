# `make run` and `make test` set everything up themselves on a fresh machine.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install browser pdftools run test test-postgres lint audit-deps schema bench lighthouse clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED)

# The browser tests drive Debian's Chromium; a fresh machine gets it here (never a downloaded build).
CHROMIUM := /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

# The evidence PDFs' tests render their pages with poppler's pdftoppm (Debian's poppler-utils).
PDFTOPPM := /usr/bin/pdftoppm
pdftools:
	@test -x $(PDFTOPPM) || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q poppler-utils; }

run: install
	$(BIN)/shopwatch migrate
	$(BIN)/shopwatch demo
	$(BIN)/shopwatch serve

test: install browser pdftools
	$(BIN)/pytest -q

# The same suite against PostgreSQL; the database named here is wiped.
test-postgres: install browser pdftools
	SHOPWATCH_TEST_DATABASE_URL=$${SHOPWATCH_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/shopwatch_test} $(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Known vulnerabilities in the installed dependencies (PyPI's advisory data, through pip-audit).
audit-deps: install
	$(BIN)/pip-audit --local --progress-spinner off

schema: install
	$(BIN)/shopwatch export-schema > schema.graphql

# Every benchmark (bench/README.md), on SQLite and, when 127.0.0.1:5432 answers, PostgreSQL: ~20 minutes.
# `make bench QUICK=1`: fewer requests, 100k instead of 1M incidents, 10 s phases: ~5 minutes.
# Each benchmark runs even if one before it was over budget; the target fails if any was.
bench: install
	@status=0; \
	$(BIN)/python bench/me_vs_bare_route.py $(if $(QUICK),--quick) || status=1; \
	$(BIN)/python bench/photo_pipeline.py $(if $(QUICK),--quick) || status=1; \
	$(BIN)/python bench/report_incident.py $(if $(QUICK),--quick) || status=1; \
	$(BIN)/python bench/uploads_vs_me.py $(if $(QUICK),--quick) || status=1; \
	$(BIN)/python bench/logins_vs_me.py $(if $(QUICK),--quick) || status=1; \
	$(BIN)/python bench/expensive_query_vs_me.py $(if $(QUICK),--quick) || status=1; \
	$(BIN)/python bench/area_summary.py $(if $(QUICK),--quick) || status=1; \
	$(BIN)/python bench/csv_export.py $(if $(QUICK),--quick) || status=1; \
	$(BIN)/python bench/evidence_pack.py $(if $(QUICK),--quick) || status=1; \
	$(BIN)/python bench/live_alerts.py $(if $(QUICK),--quick) || status=1; \
	exit $$status

# Lighthouse 12 (from npm, pinned by bench/lighthouse/package-lock.json) with Debian's Chromium on the
# login, report, dashboard, gallery and offender pages, logged in where needed: the median of 3 runs
# per page (`QUICK=1`: one run), about 5 minutes; fails if a score is under 95. Not run in CI.
lighthouse: install browser
	npm ci --prefix bench/lighthouse --no-audit --no-fund --loglevel=error
	CHROME_PATH=$(CHROMIUM) $(BIN)/python bench/lighthouse.py $(if $(QUICK),--runs 1)

clean:
	rm -rf $(VENV) var
