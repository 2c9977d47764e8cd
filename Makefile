# Every target installs what it needs first, so a fresh clone needs nothing but Python 3.11
# and curl. Running the guides needs only the runtime dependencies; the tests, lint and bench
# need the dev extra too.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two stamps, so a `make test` after `make verify-docs` still brings the dev set in.
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev
# Passed to verify-docs by `make verify-docs`, e.g. ARGS='-k token -v' or ARGS='--lint'.
ARGS ?=

.PHONY: setup verify-docs test lint bench sweep serve coverage

setup: $(DEV)

# Order-only: the venv's python is a link whose date is the interpreter's, not the venv's.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when pyproject.toml changes (the stamp is older than it).
$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME)

# The dev set includes the runtime set: both stamps are then current.
$(DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(RUNTIME) $(DEV)

# Our own guides run strict (bash's semantics): every variable a step reads was exported by
# a line the reader pastes too. Guides elsewhere run with the default (reader warnings).
# With no path in ARGS, the paths are [tool.verify-docs] paths in pyproject.toml (docs/).
verify-docs: $(RUNTIME)
	$(BIN)/verify-docs --strict $(ARGS)

test: $(DEV)
	$(BIN)/python -m pytest -q -n auto tests
	$(BIN)/verify-docs --strict docs/

lint: $(DEV)
	$(BIN)/ruff check runner fixtures tests
	$(BIN)/mypy

# Which operations, responses and error codes of fixtures/openapi.yaml the guides verify.
coverage: $(RUNTIME)
	$(BIN)/verify-docs coverage --strict docs/

bench: $(DEV)
	$(BIN)/python -m tests.bench

# Plant each drift a documented response can show in a copy of each guide, --update it, and
# check the guide comes back (or a minimal diff that passes). Minutes, so not in `make test`.
sweep: $(DEV)
	$(BIN)/python -m tests.update.sweep --acceptance --held-out

serve: $(RUNTIME)
	$(BIN)/verify-docs serve
