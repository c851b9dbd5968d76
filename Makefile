# Two commands: `make run` and `make test`. Everything else is a helper of theirs.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages: WeasyPrint (Pango, HarfBuzz, fonts covering Latin and Arabic),
# Chromium for browser tests, poppler-utils to look at PDFs, postgresql-client for
# `manage.py backup`/`restore` on PostgreSQL (pg_dump, pg_restore).
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
	libfontconfig1 fonts-noto-core fonts-dejavu-core chromium poppler-utils postgresql-client \
	gettext

.PHONY: run serve deploy-check test setup system venv db lint check clean bench load messages

# The first interpreter that runs and is Python >= 3.12 (pyenv shims may not run).
PYTHON_CANDIDATES := $(PYTHON) python3.13 python3.12 python3 $(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3)
define find_python
for c in $(PYTHON_CANDIDATES); do \
  if command -v "$$c" >/dev/null 2>&1 && "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
    echo "$$c"; exit 0; fi; done; exit 1
endef

run: setup db
	@$(PY) manage.py seed_demo
	@echo "Second factor for admin, advisor and official: $(PY) manage.py demo_totp advisor"
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@$(PY) manage.py runserver $(HOST):$(PORT)

# The production profile on this machine: gunicorn + WhiteNoise + a task worker,
# PostgreSQL when DATABASE_URL names it, tuned SQLite otherwise (ops/serve.py).
# DEMO=1 also loads the demo data.
serve: setup
	@$(PY) -m ops.serve --host $(HOST) --port $(PORT) $(if $(DEMO),--demo)

# Loopback load test: PostgreSQL, two app servers behind a round-robin proxy, one
# worker, 50 respondents autosaving, one app server killed mid-run (ops/deploy_check.py).
deploy-check: setup
	@$(PY) -m ops.deploy_check

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

setup: system venv messages

# Compiled catalogues (not tracked), rebuilt whenever a .po file changes.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
messages: $(MO_FILES)
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | venv
	@msgfmt --check -o $@ $<

system:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "Missing system packages:$$missing"; \
	    echo "Install them (e.g. sudo apt-get install$$missing) and run make again."; exit 1; \
	  fi; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@py=$$($(find_python)) || { echo "Python >= 3.12 is needed; tried: $(PYTHON_CANDIDATES)"; exit 1; }; \
	echo "Using $$py ($$($$py --version))"; \
	[ -x $(PY) ] || $$py -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	@# XStatic-Bootstrap ships only an sdist whose setup.py needs pkg_resources.
	$(PY) -m pip install -q "setuptools<81" wheel
	$(PY) -m pip install -q --no-build-isolation XStatic-Bootstrap==5.3.8.0
	$(PY) -m pip install -q -r requirements-dev.txt
	@touch $@

db: venv
	@$(PY) manage.py migrate -v0
	@$(PY) manage.py import_framework frameworks/data

# Performance against floors in a throw-away database (BENCH_ARGS="--orgs 5000 --json").
bench: setup
	$(PY) manage.py bench $(BENCH_ARGS)

# 100 respondents autosaving against gunicorn on loopback (locust, headless, bounded);
# LOAD_ARGS="--database postgres" uses a throw-away PostgreSQL database instead.
load: setup
	$(PY) -m load.run $(LOAD_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: venv
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles var db.sqlite3*
