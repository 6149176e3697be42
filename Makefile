# The two commands a fresh machine needs are `make run` and `make test`; everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Stamps make the install step re-run only when pyproject.toml changes.
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed

.PHONY: run test check format lint types contracts bench bench-api bench-api-cost bench-pages bench-analytics screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(RUNTIME_STAMP)

# Migrate, load the demo clinic into an empty database (never over real records), then serve on 127.0.0.1.
run: $(RUNTIME_STAMP)
	$(BIN)/exohair db upgrade
	$(BIN)/exohair demo load --if-empty
	$(BIN)/exohair serve --host 127.0.0.1 --port $(PORT)

# axe-core (accessibility rules) from the npm registry, for the browser tests to inject into every page.
AXE_VERSION := 4.14.1
AXE := .cache/axe-core-$(AXE_VERSION)/axe.min.js

$(AXE):
	mkdir -p $(dir $@)
	cd $(dir $@) && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && tar xzf axe-core-$(AXE_VERSION).tgz \
		&& cp package/axe.min.js package/LICENSE . && rm -rf package axe-core-$(AXE_VERSION).tgz

# On every core (at most 4 workers), a test file per worker at a time, so a file's module fixtures are built once;
# under xdist each worker has a PostgreSQL database of its own beside the one CI names (tests/databases.py).
test: $(DEV_STAMP) $(AXE)
	EXOHAIR_AXE=$(AXE) $(BIN)/python -m pytest --numprocesses auto --maxprocesses 4 --dist loadfile $(PYTEST_ARGS)

# The browser tests, writing screenshots of the main pages to docs/screenshots/ (SQLite only).
screenshots: $(DEV_STAMP) $(AXE)
	EXOHAIR_AXE=$(AXE) EXOHAIR_SCREENSHOTS=1 EXOHAIR_TEST_DATABASE_URL= $(BIN)/python -m pytest -q tests/e2e

format: $(DEV_STAMP)
	$(BIN)/ruff format src tests benchmarks scripts

lint: $(DEV_STAMP)
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/ruff check src tests benchmarks scripts

types: $(DEV_STAMP)
	$(BIN)/mypy

contracts: $(DEV_STAMP)
	$(BIN)/lint-imports

check: lint types contracts test

bench: $(RUNTIME_STAMP)
	$(BIN)/python benchmarks/planner.py

# The plan API under load, on SQLite and PostgreSQL; BENCH_ARGS="--quick" for a smoke run, "--help" for the rest.
bench-api: $(RUNTIME_STAMP)
	$(BIN)/python benchmarks/api.py $(BENCH_ARGS)

# Instructions per plan read, counted with callgrind (repeatable when the machine's speed is not; needs valgrind).
bench-api-cost: $(RUNTIME_STAMP)
	$(BIN)/python benchmarks/api_cost.py $(BENCH_ARGS)

# Server render time of every page on 10,000 patients, SQLite and PostgreSQL (target: < 100 ms).
bench-pages: $(RUNTIME_STAMP)
	$(BIN)/python benchmarks/pages.py $(BENCH_ARGS)

# The registry report on 100,000 patients in a database and 1,000,000 in Parquet (target: 1M in < 20 s).
bench-analytics: $(RUNTIME_STAMP)
	$(BIN)/python benchmarks/analytics.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache .hypothesis
