# The two commands a new user types: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck run bench bench-scale clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP_RUN)

demo: $(STAMP_RUN)
	$(BIN)/clamor demo

test: $(STAMP_DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(STAMP_DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP_DEV)
	$(BIN)/mypy

run: $(STAMP_RUN)
	@test -f .env || $(BIN)/clamor init
	$(BIN)/clamor run

# The quick ones (about a minute); bench-scale adds issue 7's (about 20 minutes; see bench/README.md).
bench: $(STAMP_DEV)
	$(BIN)/python bench/accuracy.py
	$(BIN)/python bench/worst_case.py
	$(BIN)/python bench/startup.py

bench-scale: $(STAMP_DEV)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/digest_scale.py
	$(BIN)/python bench/memory.py
	$(BIN)/python bench/store_throughput.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
