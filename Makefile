# Helpdesk: `make run` to try it, `make test` to prove it works.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# The demo shop with the widget embedded, on another origin.
DEMO_PORT ?= 5001
STAMPS := .make
FLASK := $(BIN)/flask --app wsgi
TRANSLATIONS := helpdesk/translations
PO_FILES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
CODE := helpdesk tests config.py wsgi.py

.PHONY: run test lint format tools install install-test assets translations extract-messages clean

# Links in emails and pages follow the port served, unless HELPDESK_BASE_URL is set.
run: export HELPDESK_BASE_URL ?= http://127.0.0.1:$(PORT)
run: install assets translations
	@HELPDESK_ENV=development $(FLASK) db upgrade
	@HELPDESK_ENV=development $(FLASK) helpdesk demo --demo-port $(DEMO_PORT)
	@HELPDESK_ENV=development $(FLASK) helpdesk demo-site --port $(DEMO_PORT) \
		--helpdesk-url http://127.0.0.1:$(PORT) & demo=$$!; \
	trap 'kill $$demo 2>/dev/null' EXIT INT TERM; \
	echo "Helpdesk is running at http://127.0.0.1:$(PORT)/  (stop with Ctrl+C)"; \
	HELPDESK_ENV=development $(FLASK) helpdesk serve --host 127.0.0.1 --port $(PORT)

# pytest-xdist: one worker per core, a test file's tests kept on one worker (its module
# fixtures are built once). `make test PYTEST_WORKERS=0` runs in one process; giving
# PYTEST_ARGS (`make test PYTEST_ARGS=tests/unit/test_config.py`) runs just that, serially.
PYTEST_WORKERS ?= auto
PYTEST_ARGS ?= -n $(PYTEST_WORKERS) --dist loadfile

test: install-test assets translations
	$(BIN)/ruff check $(CODE)
	$(BIN)/bandit -q -c pyproject.toml -r helpdesk
	$(BIN)/mypy
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)
	$(BIN)/bandit -q -c pyproject.toml -r helpdesk
	$(BIN)/mypy

format: install-test
	$(BIN)/ruff format $(CODE)
	$(BIN)/ruff check --fix $(CODE)

# Stop early, in one line, when a tool the set-up needs is missing.
tools:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found: install Python 3.11 or newer"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "make: Python 3.11 or newer is needed ($(PYTHON) is older): install it or run make PYTHON=python3.11"; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' >/dev/null 2>&1 || { echo "make: Python's venv module is missing: install it (Debian/Ubuntu: apt install python3-venv)"; exit 1; }
	@command -v npm >/dev/null 2>&1 || { echo "make: npm not found: install Node.js with npm (https://nodejs.org)"; exit 1; }

$(STAMPS):
	@mkdir -p $(STAMPS)

$(BIN)/python: | tools
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMPS)/install: pyproject.toml requirements.lock $(BIN)/python | $(STAMPS)
	$(BIN)/pip install -q -c requirements.lock -e .
	@touch $@

$(STAMPS)/install-test: pyproject.toml requirements.lock $(STAMPS)/install | $(STAMPS)
	$(BIN)/pip install -q -c requirements.lock -e '.[test]'
	@touch $@

install: tools $(STAMPS)/install
install-test: tools $(STAMPS)/install-test

# Front-end packages come from the npm registry, pinned by package-lock.json, and are
# copied into static/vendor/ (ignored by git).
node_modules/.package-lock.json: package.json package-lock.json | tools
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/vendor/htmx.min.js: node_modules/.package-lock.json
	@mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $@

# The API reference page (/api/docs) uses Swagger UI's prebuilt bundle.
static/vendor/swagger-ui/swagger-ui-bundle.js: node_modules/.package-lock.json
	@mkdir -p static/vendor/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css static/vendor/swagger-ui/

assets: static/vendor/htmx.min.js static/vendor/swagger-ui/swagger-ui-bundle.js

$(STAMPS)/translations: $(PO_FILES) $(STAMPS)/install | $(STAMPS)
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS)
	@touch $@

translations: $(STAMPS)/translations

# Refresh the catalogs after adding or changing user-visible text. (Babel skips directories
# named _* by default; templates/_partials and _macros hold text too.)
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --ignore-dirs ".* __pycache__ node_modules" -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update --ignore-obsolete -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)

clean:
	rm -rf $(VENV) $(STAMPS) node_modules static/vendor
