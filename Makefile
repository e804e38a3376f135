# chiso — two commands matter: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LINTED := src tests $(wildcard benchmarks) $(wildcard scripts)
# Playwright drives Debian's /usr/bin/chromium; it must never download a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: demo serve test test-postgres lint format clean screenshots audit load-test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: install into .venv and analyse the embedded (illustrative) Lạng Sơn 2025 data
demo: $(STAMP)
	$(BIN)/chiso analyze --province "Lạng Sơn" --year 2025

## serve: the web application on http://127.0.0.1:8000 (demo accounts printed on start)
serve: $(STAMP)
	$(BIN)/chiso serve

## test: lint, format check and the whole test suite
test: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/pytest -q

## test-postgres: the web test suite on PostgreSQL (Debian's package, installed and started by
## scripts/postgres.sh when missing; needs root or sudo)
test-postgres: $(STAMP)
	bash scripts/postgres.sh test

## audit: known vulnerabilities in the installed (pinned) dependencies, with pip-audit
audit: $(STAMP)
	$(BIN)/python scripts/audit.py $(AUDIT_FLAGS)

## load-test: the deadline rush (60 clerks + 5 coordinators, 10 min) against gunicorn on
## 127.0.0.1, checked against the database afterwards; LOAD_ARGS=--quick for 2 min (docs/load-test.md)
load-test: $(STAMP)
	$(BIN)/python benchmarks/load/run.py $(LOAD_ARGS)

## screenshots: docs/img/web-*.png from a throwaway demo database (needs /usr/bin/chromium)
screenshots: $(STAMP)
	$(BIN)/python scripts/web_screenshots.py --out docs/img

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)

format: $(STAMP)
	$(BIN)/ruff format $(LINTED)
	$(BIN)/ruff check --fix $(LINTED)

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .ruff_cache
