# Every target depends on `setup`, so a fresh clone needs nothing but Python 3.11 and curl.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup verify-docs test lint bench serve coverage

setup: $(STAMP)

# Re-install only when pyproject.toml changes (the stamp is older than it).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Our own guides run strict (bash's semantics): every variable a step reads was exported by
# a line the reader pastes too. Guides elsewhere run with the default (reader warnings).
verify-docs: setup
	$(BIN)/verify-docs --strict docs/

test: setup
	$(BIN)/python -m pytest -q -n auto tests
	$(BIN)/verify-docs --strict docs/

lint: setup
	$(BIN)/ruff check runner fixtures tests
	$(BIN)/mypy

# Which operations, responses and error codes of fixtures/openapi.yaml the guides verify.
coverage: setup
	$(BIN)/verify-docs coverage --strict docs/

bench: setup
	$(BIN)/python -m tests.bench

serve: setup
	$(BIN)/verify-docs serve
