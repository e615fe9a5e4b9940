# Two commands: `make dev` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SOURCES := scc deploy tests bench lambda_entry.py

.PHONY: dev test lint bench browser clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Re-install whenever pyproject.toml changes.
$(VENV)/.dev-installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e '.[dev,test]'
	touch $@ $(VENV)/.dev-installed

dev: $(VENV)/.dev-installed
	$(VENV)/bin/scc dev

# Browser tests drive Debian's Chromium through Playwright (no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# The suite runs on every core (pytest-xdist): each worker has its own moto and browser.
test: $(VENV)/.test-installed browser
	$(VENV)/bin/ruff check $(SOURCES)
	$(VENV)/bin/mypy
	$(PY) -m pytest -n auto

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check $(SOURCES)
	$(VENV)/bin/ruff format --check $(SOURCES)
	$(VENV)/bin/mypy

# Benchmarks and budgets (exit non-zero when one is missed); see docs/PERFORMANCE.md.
bench: $(VENV)/.test-installed
	$(PY) -m bench

clean:
	rm -rf $(VENV) build *.egg-info
