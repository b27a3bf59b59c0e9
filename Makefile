# Gongkai — developer and CI entry points. README: `make demo`, `make test`.
#
# Recipes run in bash with `-euo pipefail`: any failing command fails the target.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DELETE_ON_ERROR:
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Marker of a finished install; redone when pyproject.toml changes (the package itself is editable).
INSTALLED := $(VENV)/.installed
# Lint only the trees that exist (git keeps no empty directories).
LINT_PATHS := $(wildcard src tests bench)
# Each suite gets its own throw-away data directory, so no state leaks between runs or into the demo.
CHECK_DIR := $(CURDIR)/var/check
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/gongkai_ci
BIND ?= 127.0.0.1:8000

# $(call pytest,ARGS): run pytest; status 5 ("no tests collected") fails the target like any other non-zero.
pytest = rc=0; $(BIN)/pytest $(1) || rc=$$?; \
	if [ "$$rc" -eq 5 ]; then echo "pytest collected no tests: counted as a failure" >&2; exit 1; fi; \
	exit "$$rc"

# $(call fresh_dir,DIR): an empty directory.
fresh_dir = rm -rf "$(1)" && mkdir -p "$(1)"

.PHONY: help venv install demo serve check test test-postgres test-browser clean distclean

help:
	@echo "make demo           install and run the demo on http://127.0.0.1:8000 (staff logins are printed)"
	@echo "make test           fresh install, then lint, types, migrations and tests on SQLite"
	@echo "make check          the same checks in the existing virtualenv"
	@echo "make test-postgres  tests on PostgreSQL ($(POSTGRES_URL))"
	@echo "make test-browser   Playwright journeys in headless Chromium"
	@echo "make serve          migrate and serve with gunicorn on $(BIND)"
	@echo "make clean          remove caches and test data (distclean: also .venv and var/)"

venv: $(BIN)/python

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Gongkai needs Python >= 3.11, found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV) || { echo "could not create $(VENV) (Debian: apt-get install python3-venv)" >&2; exit 1; }

install: $(INSTALLED)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar off -q -e '.[dev]'
	touch $@

demo: install
	$(BIN)/gongkai demo

serve: install
	$(BIN)/gongkai migrate --noinput
	$(BIN)/gongkai serve --bind $(BIND)

check: export GONGKAI_DATA_DIR := $(CHECK_DIR)
check: install
	$(call fresh_dir,$(CHECK_DIR))
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/mypy src
	$(BIN)/gongkai makemigrations --check --dry-run
	$(call pytest,-m "not browser")

# From nothing: a new virtualenv, a full install, then every check. What CI and a new contributor run.
test:
	rm -rf $(VENV)
	$(MAKE) install
	$(MAKE) check

test-postgres: export GONGKAI_DATA_DIR := $(CHECK_DIR)-postgres
test-postgres: export DATABASE_URL := $(POSTGRES_URL)
test-postgres: install
	$(call fresh_dir,$(CHECK_DIR)-postgres)
	$(call pytest,-m "not browser")

test-browser: export GONGKAI_DATA_DIR := $(CHECK_DIR)-browser
test-browser: export GONGKAI_REQUIRE_BROWSER := 1
test-browser: install
	$(call fresh_dir,$(CHECK_DIR)-browser)
	$(call pytest,-m browser)

clean:
	rm -rf var/check var/check-postgres var/check-browser build dist test-results \
		.pytest_cache .mypy_cache .ruff_cache
	find $(LINT_PATHS) -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) var src/*.egg-info
