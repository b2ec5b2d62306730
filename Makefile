# Blueprint portal — `make run` for the demo, `make test` for the suite. `make help` lists the rest.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
SYSTEM_PYTHON ?= python3
# Use the project's venv when there is one (make install creates it); otherwise the
# interpreter on PATH, which is how CI runs after installing into it.
PYTHON ?= $(if $(wildcard $(VENV)/bin/python),$(VENV)/bin/python,$(SYSTEM_PYTHON))
MANAGE := $(PYTHON) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Per-worker test databases (test_blueprint_gw0, …) make xdist safe on SQLite and PostgreSQL.
PYTEST_ARGS ?= -n auto

INSTALL_STAMP := $(VENV)/.installed

.PHONY: help run install migrate static demo-data test lint bench clean distclean

help:
	@echo "make run        install, migrate, load demo data, then web + Celery worker + beat on http://$(HOST):$(PORT)/"
	@echo "make test       the whole pytest suite (PYTEST_ARGS='$(PYTEST_ARGS)')"
	@echo "make install    create $(VENV) if missing and install the dependencies and the test extra"
	@echo "make migrate    apply database migrations"
	@echo "make demo-data  load the demo users and data (idempotent)"
	@echo "make lint       Django system checks, missing migrations, ruff when installed"
	@echo "make bench      the benchmark commands (bench_import, bench_role_page)"
	@echo "make clean      remove var/ (SQLite database, broker, static files) and caches; distclean also removes $(VENV)"

run: install migrate static demo-data
	@HOST=$(HOST) PORT=$(PORT) DEBUG=$${DEBUG:-1} $(VENV)/bin/python -m blueprint.devserver

# The stamp makes a second `make run` skip pip entirely until pyproject.toml changes.
# pyproject.toml installs no package of its own (packages = []), so only its
# dependencies and the test extra are installed, read straight from the file.
install: $(INSTALL_STAMP)

$(INSTALL_STAMP): pyproject.toml
	@$(SYSTEM_PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Python 3.11 or newer is needed: make run SYSTEM_PYTHON=python3.12"; exit 1; }
	@test -x $(VENV)/bin/python || $(SYSTEM_PYTHON) -m venv $(VENV)
	@$(VENV)/bin/python -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
		print("\n".join(p["dependencies"] + p["optional-dependencies"]["test"]))' > $(VENV)/requirements.txt
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r $(VENV)/requirements.txt
	@touch $@

migrate: install
	$(VENV)/bin/python manage.py migrate --noinput

static: install
	$(VENV)/bin/python manage.py collectstatic --noinput --verbosity 0

demo-data: migrate
	$(VENV)/bin/python manage.py load_demo

# On a fresh machine `make test` installs first (into .venv), like `make run`; CI installs into the system
# Python before calling it, and then nothing is installed again.
HAS_TEST_DEPS := $(shell $(SYSTEM_PYTHON) -c 'import django, pytest_django, xdist, celery' 2>/dev/null && echo yes)
TEST_PREREQS := $(if $(wildcard $(VENV)/bin/python),install,$(if $(HAS_TEST_DEPS),,install))

test: $(TEST_PREREQS)
	$(PYTHON) -m pytest $(PYTEST_ARGS)

lint:
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	@if $(PYTHON) -m ruff --version >/dev/null 2>&1; then $(PYTHON) -m ruff check .; \
		else echo "ruff not installed: skipped"; fi

bench:
	$(MANAGE) bench_import
	$(MANAGE) bench_role_page

clean:
	rm -rf var .pytest_cache test-artifacts
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
