# Two commands set everything up: `make run` (demo portal) and `make test` (the suite).
VENV ?= .venv
PYTHON ?= python3
PIP = $(VENV)/bin/pip
FLASK = $(VENV)/bin/flask --app portal
PYBABEL = $(VENV)/bin/pybabel
PORT ?= 5000
# The local demo runs over plain http on loopback: no Secure cookies, a throwaway key.
DEMO_ENV = PORTAL_DEMO=1 PORTAL_INSECURE_COOKIES=1

# Extra pytest arguments, e.g. PYTEST_ARGS='-k tracking' or PYTEST_ARGS='-x'.
PYTEST_ARGS ?=
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: install run test test-http test-browser test-postgres test-bench lint babel-extract babel-update babel-compile browsers validator bench lighthouse clean

$(VENV)/.installed: setup.py
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed

babel-compile: install
	$(PYBABEL) compile -d translations

babel-extract: install
	$(PYBABEL) extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --no-location --sort-output \
		--project="Public Legal Services Portal" -o translations/messages.pot .

babel-update: babel-extract
	$(PYBABEL) update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

run: babel-compile
	$(DEMO_ENV) $(FLASK) init-db
	$(DEMO_ENV) $(FLASK) seed-demo
	@echo "Serving the portal at http://127.0.0.1:$(PORT)"
	$(DEMO_ENV) $(FLASK) run --host 127.0.0.1 --port $(PORT)

# Browser tests need Debian's Chromium; as root this installs it when it is missing.
# PDFs need a CJK font that covers Extension A (㮾 U+3BBE), Debian's fonts-noto-cjk, and
# WeasyPrint's Pango and HarfBuzz.
browsers:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null) \
		|| echo "chromium is not installed: browser tests will be skipped"; }
	@[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || { [ "$$(id -u)" = 0 ] && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null) \
		|| echo "fonts-noto-cjk is not installed: the PDF font test will be skipped"; }

# The W3C Nu HTML Checker (npm's vnu-jar, pinned in package.json and package-lock.json) for
# tests/test_html_validity.py; it runs on Java. `npm ci` when node_modules is missing or
# older than the lock file; without npm or java that one test is skipped, with its reason.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm is not installed: the HTML validity test will be skipped"; fi

validator: node_modules/.installed
	@command -v java >/dev/null 2>&1 || echo "java is not installed: the HTML validity test will be skipped"

# `make test` runs everything: the HTTP tests in parallel (pytest-xdist; each worker has its
# own database, SQLite file or PostgreSQL test_gwN), then the browser journeys, which start
# their own servers. `make test-http` and `make test-browser` run one half.
TEST_WORKERS ?= 2
test: test-http test-browser

test-http: babel-compile validator
	$(VENV)/bin/pytest -n $(TEST_WORKERS) -m "not browser and not bench" $(PYTEST_ARGS)

test-browser: babel-compile browsers
	$(VENV)/bin/pytest -m browser $(PYTEST_ARGS)

# The same suite on PostgreSQL (the server of the env notes: trust auth, database "test").
test-postgres:
	PORTAL_TEST_DATABASE_URL="$(TEST_POSTGRES_URL)" $(MAKE) test

# Seeded databases (1M rows take minutes to load) are kept here between runs of `make bench`.
BENCH_DATA ?= /var/tmp/portal-bench

# The benchmark's smoke run: every figure printed, none judged (bench/run.py --smoke).
test-bench: babel-compile
	$(VENV)/bin/pytest -m bench tests/test_bench.py

# STYLE: ruff check and ruff format, and the import contracts (pyproject.toml); CI fails on any.
lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check portal tests bench tools
	$(VENV)/bin/lint-imports

bench: babel-compile
	$(VENV)/bin/python bench/run.py --reuse $(BENCH_DATA)

# Lighthouse (mobile) on every public page of a demo database (bench/lighthouse.py).
lighthouse: babel-compile node_modules/.installed
	$(VENV)/bin/python bench/lighthouse.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache node_modules
