# `make run` and `make test` work on a fresh machine: the virtual environment is created on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench live clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/interviewer

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo
	$(BIN)/mypy interviewer
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/tui.py
	$(BIN)/python bench/llm.py
	$(BIN)/python bench/store.py
	$(BIN)/python bench/practice.py

# A short scripted interview and grade against the endpoint in OPENAI_BASE_URL / INTERVIEWER_MODEL (not in CI).
live: $(STAMP)
	$(BIN)/python scripts/live_check.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .import_linter_cache .grimp_cache
