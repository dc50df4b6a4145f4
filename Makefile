# Each target creates the virtual environment and installs what it needs on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint openapi clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/gunicorn -c gunicorn.conf.py service.wsgi:app

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check service scripts tests
	$(BIN)/bandit -q -r service scripts
	$(BIN)/hadolint Dockerfile
	scripts/lint_openapi.sh

openapi: $(STAMP)
	FLASK_APP=service.wsgi:app $(BIN)/flask openapi write --format=yaml openapi.yaml

clean:
	rm -rf $(VENV) build *.egg-info
