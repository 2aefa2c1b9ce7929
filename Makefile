# Two commands matter: `make run` and `make test`. `make help` lists everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
# Starts embedded PostgreSQL/Redis under .local/ unless DATABASE_URL/REDIS_URL are set.
WITH_SERVICES := $(PY) -m annotator.lib.localservices exec --
export XDG_RUNTIME_DIR ?= /tmp
export PYTHONDONTWRITEBYTECODE := 1

.DEFAULT_GOAL := help
.PHONY: help install run test test-fast lint typecheck messages browser services-up services-down bench lock clean backup-drill contract-long load

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  \033[1m%-16s\033[0m %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(UV) pip sync --quiet --python $(PY) requirements.lock
	@mkdir -p staticfiles
	@touch $@

install: $(VENV)/.installed messages ## Create .venv and install the locked dependencies

messages: $(VENV)/.installed ## Compile translations (.po -> .mo) without needing gettext
	@$(PY) -m annotator.lib.compilemessages

browser: ## Install Debian's Chromium for the browser tests when missing
	@command -v chromium >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing chromium with apt-get…"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null) \
	      || echo "warning: could not install chromium; browser tests will fail"; \
	  else echo "warning: no chromium and no apt-get; browser tests will fail"; fi; }

run: install ## Production mode on http://127.0.0.1 (DEBUG=1 make run: development): migrate, seed, run web + worker + beat
	$(PY) -m annotator.lib.localrun

test: install browser ## Run the whole test suite (real PostgreSQL, Redis, Celery worker, Chromium)
	$(WITH_SERVICES) $(PY) -m pytest -n 2 --dist loadgroup -q $(PYTEST_ARGS)

test-fast: install ## Run the tests except the browser ones
	$(WITH_SERVICES) $(PY) -m pytest -n 2 --dist loadgroup -q -m "not browser" $(PYTEST_ARGS)

lint: install ## ruff check + format check
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

typecheck: install ## mypy with django-stubs
	DEBUG=1 $(WITH_SERVICES) $(VENV)/bin/mypy annotator proposals

services-up: install ## Start the embedded services and print their URLs (leave them running)
	@$(PY) -m annotator.lib.localservices up

services-down: install ## Stop the embedded services
	@$(PY) -m annotator.lib.localservices down

bench: install ## Run the benchmarks in bench/ and print their figures
	$(WITH_SERVICES) $(PY) bench/run_all.py

contract-long: install ## Long schemathesis run over every API operation, 3 roles (EXAMPLES=60)
	$(WITH_SERVICES) $(PY) bench/contract_long.py --examples $${EXAMPLES:-60}

load: install ## 50 simulated newsroom members for 2 minutes against gunicorn, counts reconciled
	$(WITH_SERVICES) $(PY) bench/load_newsroom.py

backup-drill: install ## Back up the database, restore it into a fresh one, check every table matches
	$(WITH_SERVICES) $(PY) manage.py backup_restore_drill

lock: ## Re-resolve requirements.lock (dev: all extras) and requirements-prod.lock (runtime only)
	$(UV) pip compile pyproject.toml --extra local --extra dev --generate-hashes --python-version 3.11 -o requirements.lock
	$(UV) pip compile pyproject.toml --generate-hashes --python-version 3.11 -o requirements-prod.lock

clean: ## Remove the virtualenv and local data (embedded database included!)
	-$(PY) -m annotator.lib.localservices down
	rm -rf $(VENV) .local staticfiles
