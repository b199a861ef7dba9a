# Two commands matter: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/steering_portal
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0

CHROMIUM ?= /usr/bin/chromium
# apt-get needs root: use sudo when not root and it is there.
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

.PHONY: run install migrate demo serve worker beat test lint format clean chromium backup restore

$(STAMP): pyproject.toml
	test -d $(VENV) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_programme
	$(PY) manage.py demo_logins
	$(PY) manage.py build_pack --meeting "PSG 36" --publish --once --edition full --out var/psg36-pack.pdf \
	  --acknowledge "Demo programme: the findings are gaps of the PSG 36 pack's own text (docs/pack-check.md)"

run: demo
	@echo "Steering Portal: http://$(HOST):$(PORT)/"
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

worker: install
	$(VENV)/bin/celery -A portal worker --loglevel=info --concurrency=$${CELERY_CONCURRENCY:-2}

beat: install
	$(VENV)/bin/celery -A portal beat --loglevel=info --schedule=var/celerybeat-schedule

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The browser tests drive Debian's chromium; they skip (saying why) only if it cannot be had.
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  ( $(SUDO) apt-get install -y --no-install-recommends chromium \
	    || ( $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends chromium ) ) \
	  || echo "WARNING: chromium could not be installed; the browser tests will be skipped"; \
	fi

# Unit, permission, security, API fuzzing (schemathesis) and browser (Playwright) tests.
test: lint chromium
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	$(VENV)/bin/pytest --create-db $(PYTEST_ARGS)

# Export the whole programme (data and published pack files) / restore it into an empty database.
backup: install
	$(PY) manage.py backup_programme $${BACKUP:-var/backup-$$(date +%Y%m%d-%H%M%S).zip}

restore: install
	test -n "$(BACKUP)" || (echo "usage: make restore BACKUP=var/backup-....zip" && false)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py restore_programme $(BACKUP)

clean:
	rm -rf $(VENV) var/*.sqlite3 var/media
