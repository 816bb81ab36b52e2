# AlgoAgent: `make run` serves the API, `make test` runs the tests. Both set everything up.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# Processes `make run` starts together (name=command): the workspace + API on uvicorn (ASGI, so
# async views such as event streams are served natively; static files via WhiteNoise) and the
# task worker.
RUN_PROCS = "web=$(VENV)/bin/uvicorn algoagent.asgi:application --host $(HOST) --port $(PORT) --timeout-graceful-shutdown 5 --lifespan off" \
            "worker=$(PY) manage.py db_worker"
CHROMIUM ?= /usr/bin/chromium

.PHONY: help install install-dev run test e2e chromium lint typecheck format schema postman newman ci clean

help:
	@echo "make run    - install, migrate, create a demo user, serve the API on http://$(HOST):$(PORT)/"
	@echo "make test   - install dev requirements and run the test suite"
	@echo "make e2e    - browser tests of the workspace (Playwright + Debian's chromium)"
	@echo "make lint   - ruff check + format check"
	@echo "make typecheck - mypy (strict on Backtest/, django-stubs on the apps)"
	@echo "make schema - write and validate the OpenAPI schema (var/schema.yml)"
	@echo "make postman - regenerate postman/ from scripts/build_postman.py"
	@echo "Overrides: PYTHON=/path/to/python3.13  HOST=0.0.0.0  PORT=9000"

# The venv is rebuilt only when the interpreter is missing; requirements are re-installed only
# when a requirements file changed (stamp files), so re-running is fast.
$(PY):
	@py="$$(scripts/find_python.sh)" || exit 1; \
	echo "Creating $(VENV) with $$py"; \
	"$$py" -m venv $(VENV) && $(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	ALGOAGENT_PROFILE=local $(PY) manage.py migrate --noinput
	ALGOAGENT_PROFILE=local $(PY) manage.py createcachetable
	ALGOAGENT_PROFILE=local $(PY) manage.py ensure_demo_user --url http://$(HOST):$(PORT)
	@echo "Serving on http://$(HOST):$(PORT)/  (workspace: /, docs: /api/docs/, admin: /admin/)"
	ALGOAGENT_PROFILE=local $(PY) scripts/run_procs.py $(RUN_PROCS)

test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

# Playwright drives Debian's chromium (it cannot download its own browsers here).
chromium:
	@test -x $(CHROMIUM) || { apt-get update -q && apt-get install -y -q chromium; }

e2e: install-dev chromium
	E2E_CHROMIUM=$(CHROMIUM) $(PY) -m pytest tests/e2e -m e2e $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy: the domain package strictly, the Django apps with django-stubs/DRF stubs.
APPS = accounts apikeys backtest_api chat_api data_api jobs production_api strategy_api \
       templates_api algoagent retention web research_api
typecheck: install-dev
	$(VENV)/bin/mypy --strict Backtest
	$(VENV)/bin/mypy $(APPS)

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

schema: install-dev
	@mkdir -p var
	$(PY) manage.py spectacular --validate --fail-on-warn --file var/schema.yml
	@echo "OpenAPI schema written to var/schema.yml and validated"

# The Postman collection is generated from scripts/build_postman.py.
postman: install
	$(PY) scripts/build_postman.py

# newman (the Postman CLI) from the npm registry, into a git-ignored cache.
NEWMAN_VERSION := 6.2.2
newman: .cache/newman/node_modules/.bin/newman
.cache/newman/node_modules/.bin/newman:
	@command -v npm >/dev/null || { echo "npm is required to run the Postman collection"; exit 1; }
	npm install --prefix .cache/newman --no-audit --no-fund --loglevel=error newman@$(NEWMAN_VERSION)

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) var/test .pytest_cache .ruff_cache
