# Everyday commands. Each target creates .venv on first use; only Python 3.11+ and make are needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck pytest bench bench-quick soak emulator clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "aiolabel needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

## make demo: the main job (ingest 50,000 rows) on the embedded emulator
demo: $(STAMP)
	$(BIN)/aiolabel demo --rows 50000

## make test: ruff, the import-layer contracts, mypy --strict on src, and the whole pytest suite
test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy --strict src

pytest: $(STAMP)
	$(BIN)/pytest

## make bench: the full benchmark against the official SDK (writes benchmarks/results.json),
## then the emulator's listing scale (benchmarks/listing.json) and the 1,000,000-annotation
## MAL import (benchmarks/results_annotation_imports.json)
bench: $(STAMP)
	$(BIN)/python -m benchmarks
	$(BIN)/python -m benchmarks.emulator_listing --output benchmarks/listing.json
	$(BIN)/python -m benchmarks.annotation_imports

bench-quick: $(STAMP)
	$(BIN)/python -m benchmarks --quick
	$(BIN)/python -m benchmarks.annotation_imports --quick

## make soak: the long fault-matrix ingest (200,000 rows)
soak: $(STAMP)
	AIOLABEL_SOAK_ROWS=200000 $(BIN)/pytest -m soak -p no:cacheprovider tests/reliability

## make emulator: a local emulator on http://127.0.0.1:8765
emulator: $(STAMP)
	$(BIN)/aiolabel emulator serve --port 8765

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
