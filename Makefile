# The two commands a new user types: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
# The exact versions (transitive ones too) the tests last passed with; `make lock` renews them.
LOCK_RUN := requirements/run.lock
LOCK_DEV := requirements/dev.lock
LOCK_VENV := .lock-venv
# On every core, an idle worker taking tests queued behind a long one; coverage of bot/ and cogs/
# (96.5% when set) may not fall below the floor.
PYTEST_OPTIONS := -n auto --dist worksteal --cov --cov-fail-under=95

.PHONY: demo test lint typecheck run bench bench-scale lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Pins first, then Clamor itself without resolving again, so nothing newer slips in.
$(STAMP_RUN): $(LOCK_RUN) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r $(LOCK_RUN)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(STAMP_DEV): $(LOCK_DEV) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r $(LOCK_DEV)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@ $(STAMP_RUN)

demo: $(STAMP_RUN)
	$(BIN)/clamor demo

test: $(STAMP_DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_OPTIONS)

lint: $(STAMP_DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP_DEV)
	$(BIN)/mypy

run: $(STAMP_RUN)
	@test -f .env || $(BIN)/clamor init
	$(BIN)/clamor run

# The quick ones (about a minute); bench-scale the scale ones, the flood and the command line
# against VADER (about 45 minutes; memory.py --analyze takes an hour: run it alone).
bench: $(STAMP_DEV)
	$(BIN)/python bench/accuracy.py
	$(BIN)/python bench/worst_case.py
	$(BIN)/python bench/startup.py

bench-scale: $(STAMP_DEV)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/digest_scale.py
	$(BIN)/python bench/memory.py
	$(BIN)/python bench/store_throughput.py
	$(BIN)/python bench/stream.py
	$(BIN)/python bench/cli_throughput.py

# Resolve pyproject.toml's ranges afresh in throwaway venvs: the newest versions that fit.
# The run lock is constrained to the dev lock, so `make demo` runs what the tests ran.
lock:
	rm -rf $(LOCK_VENV) $(LOCK_VENV)-run
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet -e '.[dev]'
	mkdir -p requirements
	{ echo "# make lock on Python $$($(PYTHON) -V | cut -d' ' -f2): all 'make test' installs; do not edit."; \
	  $(LOCK_VENV)/bin/python -m pip freeze --exclude-editable; } > $(LOCK_DEV)
	$(PYTHON) -m venv $(LOCK_VENV)-run
	$(LOCK_VENV)-run/bin/python -m pip install --quiet -c $(LOCK_DEV) -e .
	{ echo "# make lock on Python $$($(PYTHON) -V | cut -d' ' -f2): all 'make demo' installs; do not edit."; \
	  $(LOCK_VENV)-run/bin/python -m pip freeze --exclude-editable; } > $(LOCK_RUN)
	rm -rf $(LOCK_VENV) $(LOCK_VENV)-run

clean:
	rm -rf $(VENV) $(LOCK_VENV) $(LOCK_VENV)-run .pytest_cache .mypy_cache .ruff_cache .coverage
