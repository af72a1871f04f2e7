# The only entry points of the book. `make publish` installs what it needs on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-tests
ENGINE := lib/bookengine
PIP := $(PY) -m pip install --quiet --disable-pip-version-check
BOOK ?= .

.PHONY: publish preview test test-quick bench refresh clean pdf deploy lint

# What the site needs: the engine (by path) and the book's own packages, pinned; no test tools.
$(STAMP): requirements/engine.lock requirements/book.lock pyproject.toml $(ENGINE)/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements/engine.lock -r requirements/book.lock
	$(PIP) --no-deps --no-build-isolation -e $(ENGINE) -e .
	touch $(STAMP)

# The tests' own tools (pytest, ruff, Playwright), on top.
$(TEST_STAMP): $(STAMP) requirements/test.lock
	$(PIP) -r requirements/test.lock
	touch $(TEST_STAMP)

publish: $(STAMP)  ## Execute what changed and switch site/ to the new build.
	$(PY) -m bookengine publish $(BOOK)

preview: $(STAMP)  ## Serve the site on 127.0.0.1 and rebuild on change.
	$(PY) -m bookengine preview $(BOOK)

test: $(TEST_STAMP)  ## Run the whole test suite.
	$(PY) -m ruff check lib tests
	$(PY) -m pytest -q

test-quick: $(TEST_STAMP)  ## ruff and the library's tests (about a minute).
	$(PY) -m ruff check lib tests
	$(PY) -m pytest -q tests/library

bench: $(TEST_STAMP)  ## Print build times, first paint and page sizes beside their targets.
	$(PY) -m bookengine.bench $(if $(SYNTHETIC),--synthetic) $(BOOK)

refresh: $(STAMP)  ## Fetch upstream releases into data/.
	$(PY) -m inference_debate.refresh

pdf: $(STAMP)  ## Print the whole book to one PDF.
	$(PY) -m bookengine pdf $(BOOK)

deploy: $(STAMP)  ## Push site/ to the deploy branch.
	$(PY) -m bookengine deploy $(BOOK)

lint: $(TEST_STAMP)
	$(PY) -m ruff check lib tests

clean:
	rm -rf .book site
