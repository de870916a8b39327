# cometchat_nb — two commands on a fresh machine:
#   make demo   JupyterLab on the quickstart notebook, with the embedded server
#   make test   lint, type-check and the whole test suite
# Both create/refresh the virtual environment in $(VENV) themselves.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# JupyterLab setting defaults for this venv (a file in the app's overrides.d, beside any of the
# user's own): never ask "get notified about official Jupyter news?", fetch no news, check no
# updates. binder/postBuild installs the same file on Binder.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.d/cometchat-nb.json
JS_DIR := tests/js
PYTEST_ARGS ?=

.PHONY: venv demo test lint typecheck pytest node bench bench-smoke clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,bench]'
	touch $(STAMP)

$(LAB_OVERRIDES): binder/lab-overrides.json
	mkdir -p $(dir $@)
	cp binder/lab-overrides.json $@

venv: $(STAMP) $(LAB_OVERRIDES)

# Node packages for the official-JS-SDK tests (skipped when npm is absent).
node:
	@if command -v npm >/dev/null 2>&1; then \
		if [ ! -d $(JS_DIR)/node_modules ] || [ $(JS_DIR)/package-lock.json -nt $(JS_DIR)/node_modules ]; then \
			npm ci --prefix $(JS_DIR) --no-audit --no-fund --loglevel=error && touch $(JS_DIR)/node_modules; \
		fi; \
	else echo "npm not found: the official JS SDK tests will be skipped"; fi

lint: venv
	$(VENV)/bin/ruff check cometchat_nb tests bench
	$(VENV)/bin/ruff format --check cometchat_nb tests bench

typecheck: venv
	$(VENV)/bin/mypy

pytest: venv node
	$(PY) -m pytest $(PYTEST_ARGS)

test: lint typecheck pytest

demo: venv
	$(VENV)/bin/jupyter lab --ServerApp.ip=127.0.0.1 $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/01_quickstart.ipynb

bench: venv node
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) .venv-3.* $(JS_DIR)/node_modules build *.egg-info
