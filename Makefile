# openorchestrator build tooling (GNU make).
#
#   make install   .venv + runtime lock + editable package
#   make run       openorch serve (OPENORCH_* env vars pass straight through; ARGS="..." for CLI flags)
#   make test      dev lock + pytest (PYTEST_ARGS="..." for extra pytest args)
#   make bench     every bench/*.py (files starting with "_" are helpers and are skipped)
#   make lint      ruff check + mypy --strict src/
#   make lock      regenerate both lock files, keeping current pins (LOCK_ARGS=--upgrade to bump all)
#   make clean     caches and build output;  make distclean  also removes .venv
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

# Package index for the hashed installs (override: make install PIP_INDEX_URL=...).
PIP_INDEX_URL ?= https://pypi.org/simple

# PIP_CONFIG_FILE=/dev/null skips the user's pip.conf (global /etc files still load);
# the empty PIP_* values override anything left in the environment or global config.
PIP := env PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= PIP_EXTRA_INDEX_URL= PIP_CONSTRAINT= \
	PIP_INDEX_URL=$(PIP_INDEX_URL) PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 \
	$(BIN)/python -m pip
PIP_INSTALL := $(PIP) install --require-hashes --no-compile --progress-bar off

.PHONY: help install run test bench lint lock clean distclean venv

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

# ------------------------------------------------------------------------ run

run: install
	$(BIN)/openorch serve $(ARGS)

# ------------------------------------------------------------------------ test

# pytest's exit code is make's exit code (5 = no tests collected also fails).
test: $(STAMPS)/dev $(STAMPS)/editable
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Later, once a web UI exists (npm, node_modules/ already git-ignored):
# web-test:
# 	cd web && npm ci && npm test
# e2e: install
# 	$(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

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

lint: $(STAMPS)/dev $(STAMPS)/editable
	$(BIN)/ruff check $(wildcard src tests bench)
	$(BIN)/mypy --strict src

# ------------------------------------------------------------------------ lock

lock:
	bash scripts/lock.sh $(LOCK_ARGS)

# ------------------------------------------------------------------------ clean

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache src/*.egg-info
	find . -path ./$(VENV) -prune -o -path ./node_modules -prune -o \
		-type d -name __pycache__ -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
