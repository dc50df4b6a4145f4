# Each target creates the virtual environment and installs what it needs on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Generated cases per operation in make test's contract fuzz; make test-all runs test_fuzz.py's default.
QUICK_FUZZ_EXAMPLES ?= 10

.PHONY: run test test-all lint openapi docs clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/gunicorn -c gunicorn.conf.py service.wsgi:app

# What a contributor runs: unit and API tests and a short contract fuzz, about a minute, no server.
test: $(STAMP)
	FUZZ_EXAMPLES=$(QUICK_FUZZ_EXAMPLES) $(BIN)/python -m pytest -m "not integration and not slow"

# Everything (CI runs this): adds real gunicorn and Redis (integration, faults, load) and the full fuzz.
test-all: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check service scripts tests
	$(BIN)/bandit -q -r service scripts
	$(BIN)/hadolint Dockerfile
	scripts/lint_openapi.sh
	PYTHON=$(PYTHON) scripts/lint_deploy.sh

openapi: $(STAMP)
	FLASK_APP=service.wsgi:app $(BIN)/flask openapi write --format=yaml openapi.yaml

# docs/scoring.md's factor tables, from service/scoring/scorecard.yaml and the weights (a test diffs them).
docs: $(STAMP)
	$(BIN)/python -m scripts.scorecard

clean:
	rm -rf $(VENV) build *.egg-info
