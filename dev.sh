#!/usr/bin/env bash
# The two commands of the README:
#   ./dev.sh run    set up (first time) and run the bot on the embedded SQLite database; with
#                   no BOT_TOKEN (environment or .env) the sandbox: the desk in a browser
#   ./dev.sh test   set up (first time) and run the linters and the whole test suite
# Extra arguments go to the sandbox (run: --port, --plain, --demo-data, --fresh) or to pytest
# (test), e.g. ./dev.sh test -k relay
set -euo pipefail
cd "$(dirname "$0")"
PYTHON="${PYTHON:-python3}"

setup() {
    if [ ! -x .venv/bin/python ] || [ pyproject.toml -nt .venv/.installed ]; then
        echo "setting up .venv (first run only)..." >&2
        "$PYTHON" -m venv .venv
        .venv/bin/python -m pip install --quiet --upgrade pip
        .venv/bin/python -m pip install --quiet -e '.[dev]'
        touch .venv/.installed
    fi
}

command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
    run)
        setup
        if [ ! -f .env ]; then
            cp .env.example .env
            echo "created .env from .env.example (BOT_TOKEN empty: the sandbox starts)" >&2
        fi
        exec .venv/bin/support-bot dev "$@"
        ;;
    test)
        setup
        .venv/bin/ruff check .
        .venv/bin/ruff format --check .
        .venv/bin/mypy
        exec .venv/bin/python -m pytest "$@"
        ;;
    setup)
        setup
        ;;
    *)
        echo "usage: ./dev.sh run | test [pytest arguments] | setup" >&2
        exit 2
        ;;
esac
