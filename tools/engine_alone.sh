#!/usr/bin/env bash
# The engine alone, as its own distribution, in a fresh environment: `pip install
# ./lib/bookengine` (pinned by requirements/engine.lock), then `bookengine publish` on the
# fixture books. Nothing of the book's packages or the tests' tools may come with it.
# Usage: bash tools/engine_alone.sh [WORKDIR]   (prints the environment's size)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-$(mktemp -d)}
venv="$work/venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -c requirements/engine.lock ./lib/bookengine
if "$venv/bin/pip" list 2>/dev/null | grep -Ei '^(pandas|altair|pandera|numpy|pytest|playwright|ruff) '; then
  echo "engine_alone: the engine's environment holds a package the engine does not import" >&2
  exit 1
fi
echo "engine_alone: the engine's environment: $(du -sh "$venv" | cut -f1)"
mkdir -p "$work/books"
cp -r tests/fixtures/website "$work/books/"
"$venv/bin/bookengine" publish "$work/books/website" | tail -1
# The other fixture books' cells import pandas and Altair: the book's packages, not the engine's.
"$venv/bin/pip" install --quiet --disable-pip-version-check -c requirements/book.lock altair pandas
for book in minibook benchbook quarto-features; do
  cp -r "tests/fixtures/$book" "$work/books/"
  "$venv/bin/bookengine" publish "$work/books/$book" | tail -1
done
echo "engine_alone: every fixture book built with the engine installed on its own"
