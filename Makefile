# Quick start: `make demo` serves the demo; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: demo run test lint format bench migrate clean-venv

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

var/demo-password:
	mkdir -p var
	$(PY) -c "import secrets; print('demo-' + secrets.token_urlsafe(12))" > $@

## Set up the embedded demo (SQLite, eager Celery, console email) and serve it.
demo: $(VENV)/.installed var/demo-password
	$(PY) manage.py migrate --no-input
	DEMO_PASSWORD="$${DEMO_PASSWORD:-$$(cat var/demo-password)}" $(PY) manage.py load_demo
	$(PY) manage.py publish_report dudley 2019-20 --if-unpublished
	@echo ""
	@echo "Demo served at http://127.0.0.1:$(PORT)/ ; the published 2019/20 report is at http://127.0.0.1:$(PORT)/reports/dudley/2019-20/"
	@echo "Sign in as 'manager' (business manager), 'scrutineer', 'contributor', or lead-<agency>, e.g. 'lead-dudley-mbc'."
	@echo "Password: $${DEMO_PASSWORD:-$$(cat var/demo-password)}"
	@echo ""
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## Serve without reloading the demo.
run: $(VENV)/.installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## Run the whole suite (set DATABASE_URL and REDIS_URL to run it against PostgreSQL and Redis).
test: $(VENV)/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.installed
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done
