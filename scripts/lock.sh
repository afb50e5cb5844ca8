#!/usr/bin/env bash
# Regenerate requirements.lock (runtime) and requirements-dev.lock (runtime + dev)
# from the ranges in pyproject.toml, with hashes, for CPython 3.11 on Linux.
#
# Usage: scripts/lock.sh [extra uv pip compile args, e.g. --upgrade or --upgrade-package fastapi]
# uv is taken from $UV, then PATH, then .venv/bin/uv; failing those it is installed
# into a throwaway venv that is deleted on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

tmp=""
cleanup() { [[ -n "$tmp" ]] && rm -rf "$tmp"; }
trap cleanup EXIT

uv="${UV:-}"
if [[ -z "$uv" ]]; then
    if command -v uv >/dev/null 2>&1; then
        uv="$(command -v uv)"
    elif [[ -x .venv/bin/uv ]]; then
        uv=.venv/bin/uv
    else
        tmp="$(mktemp -d)"
        echo "lock.sh: uv not found, installing it into a throwaway venv ($tmp)" >&2
        python3 -m venv "$tmp/venv"
        # Plain PyPI only: ignore machine-level find-links / extra indexes.
        PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= PIP_EXTRA_INDEX_URL= PIP_CONSTRAINT= \
            "$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check "uv>=0.5"
        uv="$tmp/venv/bin/uv"
    fi
fi
echo "lock.sh: using $("$uv" --version) ($uv)" >&2

# Resolve against PyPI only (uv ignores pip.conf, but not UV_* env vars).
unset UV_INDEX_URL UV_EXTRA_INDEX_URL UV_INDEX UV_FIND_LINKS UV_DEFAULT_INDEX UV_CONSTRAINT UV_OVERRIDE

common=(
    --generate-hashes
    --python-version 3.11
    --python-platform x86_64-unknown-linux-gnu
    --default-index https://pypi.org/simple
    --custom-compile-command "make lock"
    --quiet
)

# Install-time tooling, locked (with hashes) into BOTH files next to the project's deps,
# shown as "via -r -" in the locks:
#   pip       - the Makefile upgrades the venv's pip from this pin first; Python 3.11's
#               bundled pip 23.2 takes ~2x longer to install the locks (slow link scan).
#   hatchling - build backend, so `pip install --no-build-isolation -e .` needs nothing
#               outside the lock (no unhashed, network-fetched build env).
tooling=$'pip>=24.2\nhatchling>=1.24'

"$uv" pip compile "${common[@]}" "$@" \
    pyproject.toml - -o requirements.lock <<<"$tooling"

# Dev lock = runtime + dev extra; constrained to the runtime lock so both files pin
# identical versions of every shared package.
"$uv" pip compile "${common[@]}" "$@" \
    --extra dev -c requirements.lock \
    pyproject.toml - -o requirements-dev.lock <<<"$tooling"

echo "lock.sh: wrote requirements.lock ($(grep -c '==' requirements.lock) pins)," \
     "requirements-dev.lock ($(grep -c '==' requirements-dev.lock) pins)" >&2
