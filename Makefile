# Magnesium & Electrolytes Guide. The README's two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

# Local defaults: plain HTTP on 127.0.0.1, DEBUG off. A real deployment sets its own.
RUN_ENV := DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_DEBUG=0 \
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat var/secret_key)}" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}"

.PHONY: run test venv dev-venv setup admin lint check bench bench-scale loadtest screenshots clean node

$(VENV)/.runtime: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.runtime
dev-venv: $(VENV)/.dev

var/secret_key:
	mkdir -p var
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

# loadcontent is a three-way sync: it takes what changed in content/, keeps what editors changed in
# admin, and on a conflict writes nothing; the site then serves the database as it is.
setup: venv var/secret_key
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py loadcontent || echo "content/ was not loaded (see above): nothing was changed, and the site serves the database as it is."
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0

## make run: install, migrate, load content/, collect static files, serve on 127.0.0.1:$(PORT)
run: setup
	@echo "Serving on http://127.0.0.1:$(PORT)/ (editors: make admin, then /admin/)"
	$(RUN_ENV) $(VENV)/bin/gunicorn config.wsgi:application -c config/gunicorn.conf.py --bind 127.0.0.1:$(PORT)

## make admin: create an editor account (in the Editors group); see the README for a reviewer
admin: setup
	$(RUN_ENV) $(PY) manage.py createeditor

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

node: node_modules/.installed

## make test: the whole suite (SQLite by default; set DATABASE_URL for PostgreSQL)
test: dev-venv node
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.test_settings $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/python -m pytest --ds=config.test_settings

lint: dev-venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: dev-venv
	DJANGO_SETTINGS_MODULE=config.test_settings $(PY) manage.py checkcontent

## make screenshots: PNGs of every page type at 390 and 1280 px, light and dark, and the admin edit page, review dashboard and a guide's What changed at 1280 px, in screenshots/
screenshots: dev-venv
	SCREENSHOTS=1 DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/python -m pytest --ds=config.test_settings tests/e2e/test_screenshots.py tests/e2e/test_screenshots_admin.py -m screenshots -p no:cacheprovider -q

## make bench: throughput and latency of key pages against the static-file ceiling
## make bench SCALE=1 (or make bench-scale): the same pages at 100 and at 10,000 guides
bench: setup
	$(RUN_ENV) $(PY) scripts/bench.py $(if $(SCALE),--scale) $(BENCH_ARGS)

bench-scale: setup
	$(RUN_ENV) $(PY) scripts/bench.py --scale $(BENCH_ARGS)

## make loadtest: 60 s of wrk at 64 connections against a mix of pages
loadtest: setup
	$(RUN_ENV) $(PY) scripts/loadtest.py

clean:
	rm -rf $(VENV) var node_modules screenshots .pytest_cache
