# Quick start: `make demo` serves the demo; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: demo run test lint format bench migrate clean-venv mutate

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
	PORTAL_MFA_WAIVED="$${PORTAL_MFA_WAIVED:-1}" $(PY) manage.py runserver 127.0.0.1:$(PORT)

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

## Every bench/*.py with a main (not the helpers common.py, tenyears.py, load.py); QUICK=1 passes --quick.
## Each runs even when one before it fails or misses a goal (so every figure is printed); the exit status
## is non-zero, naming them, if any did.
BENCH_HELPERS := bench/common.py bench/tenyears.py bench/load.py bench/locustfile.py
bench: $(VENV)/.installed
	@failed=""; for script in $(filter-out $(BENCH_HELPERS),$(sort $(wildcard bench/*.py))); do \
	  grep -q '^if __name__ == "__main__":' $$script || continue; \
	  echo "== $$script"; began=$$(date +%s); \
	  $(PY) $$script $(if $(QUICK),--quick) || failed="$$failed $$script"; \
	  echo "== $$script took $$(( $$(date +%s) - began )) s"; \
	done; \
	if [ -n "$$failed" ]; then echo "== failed or missed a goal:$$failed"; exit 1; fi

## Load test (bench/load.py): 50 people at once for 75 s against gunicorn (production settings), PostgreSQL,
## Redis and a Celery worker; a table per page type, non-zero exit on any error. Needs PostgreSQL and Redis
## (LOAD_DATABASE_SERVER, LOAD_REDIS_URL); LOAD_ARGS=--quick runs 30 s.
.PHONY: load
load: $(VENV)/.installed
	$(PY) bench/load.py $(LOAD_ARGS)

## Mutation testing of the rule modules ([tool.mutmut] in pyproject.toml; slow, not run by CI).
## A fresh run each time; MUTANTS='reports.publishing*' re-tests only those, keeping the rest.
MUTATE_JOBS ?= 2
mutate: $(VENV)/.installed
	$(if $(MUTANTS),,rm -rf mutants)
	$(VENV)/bin/mutmut run --max-children $(MUTATE_JOBS) $(MUTANTS)
	@echo "== per module: killed, timed out (an endless loop: also caught), survived, of total"
	@$(VENV)/bin/mutmut results --all true | awk -F': ' '{ m = $$1; sub(/^ +/, "", m); sub(/\.[^.]*$$/, "", m); n[m]++; s[m, $$2]++ } END { for (m in n) printf "%-24s %4d %4d %4d of %4d\n", m, s[m, "killed"], s[m, "timeout"], s[m, "survived"], n[m] }' | sort
	@echo "== not killed (mutmut show <name> prints the change)"
	@$(VENV)/bin/mutmut results
