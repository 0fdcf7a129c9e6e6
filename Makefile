# Tuyên giáo số. `make run` serves the demo on SQLite; `make test` runs the suite on PostgreSQL.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
APT_PACKAGES := postgresql chromium fonts-liberation2 gettext libreoffice-writer-nogui poppler-utils python3-uno

.PHONY: run test test-pg test-sqlite lint bench bench-data system-deps install frontend messages clean demo

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Cần Python 3.11 ($(PYTHON))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) frontend

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || ./scripts/system-deps.sh nodejs npm
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

frontend: $(NODE_STAMP)

system-deps:
	./scripts/system-deps.sh $(APT_PACKAGES)

messages: $(STAMP)
	cd src/tuyengiao && ../../$(PY) ../../manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

# The demo's own secret key, made once under var/ (readable by its owner only) and passed by file.
SECRET_FILE := var/secret_key
$(SECRET_FILE):
	mkdir -p var
	umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

# Served over plain HTTP on this machine: no HTTPS redirect or secure-only cookies, and demo admins
# are not made to set up a second factor (REQUIRE_2FA_FOR_ADMINS=1 make run turns it back on).
demo run: export SECRET_KEY_FILE := $(CURDIR)/$(SECRET_FILE)
run: export HTTPS := 0
run: export REQUIRE_2FA_FOR_ADMINS ?= 0

demo: install $(SECRET_FILE)
	mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py load_demo

# One task worker runs beside gunicorn and is stopped (SIGTERM: it finishes its task) when gunicorn stops.
run: demo
	@echo "Mở http://$(HOST):$(PORT)/ trong trình duyệt."
	$(PY) manage.py housekeeping --schedule -v0
	$(PY) manage.py db_worker --no-reload -v1 & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(VENV)/bin/gunicorn tuyengiao.wsgi:application --pythonpath src --bind $(HOST):$(PORT) --workers 3 --access-logfile -

test: install system-deps
	$(PY) -m pytest -q
	TEST_DB=sqlite $(PY) -m pytest -q -m smoke
	$(VENV)/bin/ruff check src tests $(wildcard bench)
	$(VENV)/bin/mypy src

lint: install
	$(VENV)/bin/ruff check src tests $(wildcard bench)
	$(VENV)/bin/mypy src

SCALE ?= demo

bench: install system-deps
	SCALE=$(SCALE) $(PY) -m bench

# Builds the benchmark organisation once under var/bench/$(SCALE)/ (demo, province or national).
bench-data: install system-deps
	$(PY) -m bench.generate --scale $(SCALE)

clean:
	rm -rf $(VENV) node_modules var test-artifacts
