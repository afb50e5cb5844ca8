# openorchestrator build tooling (GNU make).
#
#   make install   .venv + runtime lock + editable package
#   make web       the web UI: npm ci (when web/package-lock.json changed) + npm run build (when web/ changed)
#   make run       install + web + openorch serve (OPENORCH_* env vars pass straight through; ARGS="..." for CLI flags)
#   make test      dev lock + web build + vitest + pytest, e2e included (PYTEST_ARGS="..." for extra pytest args)
#   make e2e       only the browser tests (tests/e2e) against the built UI
#   make bench     every bench/*.py (files starting with "_" are helpers and are skipped)
#   make lint      ruff check + ruff format --check + mypy --strict src/ + lint-imports + module size + npm run lint
#   make dist      the web UI, then the wheel in dist/ (checked to contain the UI)
#   make openapi   rewrite web/openapi.json from the app and regenerate the UI's API client from it
#   make lock      regenerate both lock files, keeping current pins (LOCK_ARGS=--upgrade to bump all)
#   make clean     caches and build output;  make distclean  also removes .venv and web/node_modules
#
# Installs are hash-checked against the lock files only. pip is run with the machine's
# pip config neutralised (user pip.conf find-links / extra-index-url / constraint), so
# a local wheel of the same version but another build can never be picked up.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.NOTPARALLEL:
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Stamps live inside the venv: deleting .venv always forces a clean reinstall.
STAMPS := $(VENV)/.stamps

PYTEST_ARGS ?=
ARGS ?=
LOCK_ARGS ?=

# The web UI: sources in web/, built by Vite into the package (git-ignored, shipped in wheels).
NODE ?= node
NPM  ?= npm
WEB_DIST  := src/openorchestrator/web_dist
WEB_INDEX := $(WEB_DIST)/index.html
# The npm stamp lives in node_modules: deleting it (or `npm ci` failing half-way) forces a clean install.
NPM_STAMP := web/node_modules/.openorch-npm-ci
# Everything a build reads (sources, index.html, public/, configs, the lock); node_modules is npm's.
WEB_INPUTS := $(shell find web -path web/node_modules -prune -o -type f -print 2>/dev/null)

# Package index for the hashed installs (override: make install PIP_INDEX_URL=...).
PIP_INDEX_URL ?= https://pypi.org/simple

# PIP_CONFIG_FILE=/dev/null skips the user's pip.conf (global /etc files still load);
# the empty PIP_* values override anything left in the environment or global config.
PIP := env PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= PIP_EXTRA_INDEX_URL= PIP_CONSTRAINT= \
	PIP_INDEX_URL=$(PIP_INDEX_URL) PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 \
	$(BIN)/python -m pip
PIP_INSTALL := $(PIP) install --require-hashes --no-compile --progress-bar off

.PHONY: help install web node-check run test e2e bench lint dist openapi lock clean distclean venv

help:
	@sed -n 's/^#   make /  make /p' $(firstword $(MAKEFILE_LIST))

# ------------------------------------------------------------------------ venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

venv: $(BIN)/python

# Upgrade the venv's own pip to the hashed pin in the lock first (bundled pip 23.2 is
# ~2x slower on these installs). $(1) = lock file. Skipped if the lock has no pip pin.
define bootstrap_pip
	@mkdir -p $(STAMPS)
	@awk '/^pip==/{p=1; print; next} p && /^[[:space:]]/{print; next} {p=0}' $(1) > $(STAMPS)/pip.req
	@if [[ -s $(STAMPS)/pip.req ]]; then \
		echo "$(PIP_INSTALL) --no-deps -r $(STAMPS)/pip.req  # pip pin from $(1)"; \
		$(PIP_INSTALL) --quiet --no-deps -r $(STAMPS)/pip.req; \
	fi
endef

# ------------------------------------------------------------------------ install

$(STAMPS)/runtime: requirements.lock | $(BIN)/python
	$(call bootstrap_pip,requirements.lock)
	$(PIP_INSTALL) -r requirements.lock
	@touch $@

$(STAMPS)/dev: requirements-dev.lock | $(BIN)/python
	$(call bootstrap_pip,requirements-dev.lock)
	$(PIP_INSTALL) -r requirements-dev.lock
	@touch $@

# Editable install: no deps, no build isolation (hatchling comes hashed from the locks,
# so `install` and `test` list their lock stamp before this one; .NOTPARALLEL keeps
# that order). Only pyproject.toml matters: new modules under src/ are picked up
# through the .pth file, new console scripts/entry points need this to re-run.
$(STAMPS)/editable: pyproject.toml | $(BIN)/python
	$(PIP) install --no-deps --no-build-isolation --no-compile --progress-bar off -e .
	@touch $@

install: $(STAMPS)/runtime $(STAMPS)/editable

# ------------------------------------------------------------------------ web

# Vite 7 needs Node.js 20.19+ (or 22.12+); Debian's nodejs package brings npm separately.
node-check:
	@command -v $(NODE) >/dev/null && command -v $(NPM) >/dev/null \
		&& $(NODE) -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' \
		|| { echo "Node.js 20 or newer is needed to build the web UI: apt-get install nodejs npm" >&2; exit 1; }

# `npm ci` installs exactly the lock, integrity-checked (never `npm install`, which may rewrite it).
$(NPM_STAMP): web/package-lock.json web/package.json | node-check
	cd web && $(NPM) ci --no-audit --no-fund
	@touch $@

# Vite empties web_dist first; the touch makes the index newer than every input even on a no-op rebuild.
$(WEB_INDEX): $(NPM_STAMP) $(WEB_INPUTS) | node-check
	cd web && $(NPM) run build
	@touch $@

web: $(WEB_INDEX)

# ------------------------------------------------------------------------ run

run: install web
	$(BIN)/openorch serve $(ARGS)

# ------------------------------------------------------------------------ test

# vitest first (seconds), then pytest, whose exit code is make's (5 = no tests collected also fails).
# The e2e tests in tests/e2e drive Debian's /usr/bin/chromium against the UI built just before.
test: $(STAMPS)/dev $(STAMPS)/editable web
	cd web && $(NPM) test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

e2e: $(STAMPS)/dev $(STAMPS)/editable web
	$(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

# ------------------------------------------------------------------------ bench

bench: install
	@shopt -s nullglob; \
	files=(); for f in bench/*.py; do [[ $$(basename "$$f") == _* ]] || files+=("$$f"); done; \
	if (( $${#files[@]} == 0 )); then echo "bench: no bench/*.py files"; exit 0; fi; \
	failed=(); \
	for f in "$${files[@]}"; do \
		echo "=== $$f"; \
		$(BIN)/python "$$f" || failed+=("$$f"); \
	done; \
	if (( $${#failed[@]} )); then echo "bench: FAILED: $${failed[*]}" >&2; exit 1; fi

# ------------------------------------------------------------------------ lint

# lint-imports checks the import contracts in .importlinter; check_module_size.py: no module over 400 lines.
lint: $(STAMPS)/dev $(STAMPS)/editable $(NPM_STAMP)
	$(BIN)/ruff check $(wildcard src tests bench scripts)
	$(BIN)/ruff format --check $(wildcard src tests bench scripts)
	$(BIN)/mypy --strict src
	$(BIN)/lint-imports
	$(BIN)/python scripts/check_module_size.py
	cd web && $(NPM) run lint

# ------------------------------------------------------------------------ dist

# The wheel is built by hatchling from the runtime lock (no build isolation, nothing unhashed fetched);
# hatch's `artifacts` puts the git-ignored web_dist into it, which the last line checks.
dist: $(STAMPS)/runtime web
	rm -rf dist
	$(PIP) wheel --no-deps --no-build-isolation --progress-bar off --wheel-dir dist .
	@$(BIN)/python -m zipfile -l dist/*.whl | grep 'openorchestrator/web_dist/index.html' >/dev/null \
		|| { echo "dist: the wheel has no openorchestrator/web_dist/index.html" >&2; exit 1; }
	@ls -l dist/*.whl

# ------------------------------------------------------------------------ openapi

# web/openapi.json is what the UI's client is generated from; tests/web/test_openapi_snapshot.py
# fails until this has been run after an API change.
openapi: install $(NPM_STAMP)
	$(BIN)/python scripts/openapi.py web/openapi.json
	cd web && $(NPM) run gen:api

# ------------------------------------------------------------------------ lock

lock:
	bash scripts/lock.sh $(LOCK_ARGS)

# ------------------------------------------------------------------------ clean

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache src/*.egg-info $(WEB_DIST)
	find . -path ./$(VENV) -prune -o -path ./node_modules -prune -o \
		-type d -name __pycache__ -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) web/node_modules
