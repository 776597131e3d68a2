# Compute Ceiling — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PY    := .venv/bin/python
DB    := data/compute.duckdb
RAW   := $(wildcard data/raw/*.csv)
PORT  ?= 8501
STAMP := .venv/.installed

.PHONY: run test setup system-deps bytecode etl bench lint e2e unit clean

## run: install everything, build the database if it is missing or stale, start the app
run: setup system-deps bytecode $(DB)
	@echo "Compute Ceiling: open http://127.0.0.1:$(PORT)"
	$(PY) -m streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT) --server.headless true

## setup: create .venv and install the pinned requirements (uv, falling back to pip); idempotent
setup: $(STAMP)

$(STAMP): requirements.txt
	@bash scripts/setup_venv.sh
	@touch $(STAMP)

$(DB): $(RAW) | $(STAMP)
	$(PY) -m etl build --db $(DB)

## etl: rebuild the database from data/raw
etl: setup
	$(PY) -m etl build --db $(DB)

## bytecode: compile the project's modules once, as Python itself does on a first run. Where
## PYTHONDONTWRITEBYTECODE is set (some CI images) Python reads these files but never writes them, and
## every CLI call, app start and test server would compile ~40 modules again (~0.1-0.3 s each)
bytecode: setup
	@$(PY) -m compileall -q app.py app_pages bench charts etl i18n models ui >/dev/null

## system-deps: Debian's chromium (browser tests, chart export) and a CJK font, when missing
system-deps: setup
	@bash scripts/system_deps.sh

## test: install what the tests need and run every test (unit, AppTest, browser)
test: system-deps bytecode
	$(PY) -m pytest -q -p no:cacheprovider tests

unit: setup
	$(PY) -m pytest -q tests --ignore=tests/e2e

e2e: system-deps
	$(PY) -m pytest -q tests/e2e

## bench: measure the performance budget of DESIGN.md, write bench/results.json
bench: system-deps bytecode $(DB)
	$(PY) -m bench

## lint: ruff
lint: setup
	$(PY) -m ruff check .

clean:
	rm -rf .venv $(DB) .pytest_cache
