VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOWEST := .venv-lowest

.PHONY: demo console screenshots test test-lowest lint format clean

$(STAMP): setup.cfg pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,console]'
	touch $(STAMP)

# The whole story on a local Leanafy sandbox (a fresh venv is made first if needed).
demo: $(STAMP)
	$(VENV)/bin/techoms demo

# The demo's database, the sandbox and the channel console: prints the URL and the login.
console: $(STAMP)
	$(VENV)/bin/techoms demo --console

# The console's browser tests, keeping a screenshot of each page in docs/console/.
screenshots: $(STAMP)
	TECHOMS_CONSOLE_SCREENSHOTS=docs/console $(VENV)/bin/pytest -q tests/console

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest -n 2

# The lowest supported version of every dependency (constraints/lowest.txt), in a
# virtualenv of its own: the framework, store and runner suites.
$(LOWEST)/.installed: setup.cfg pyproject.toml constraints/lowest.txt
	python3 -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install --quiet --upgrade pip
	$(LOWEST)/bin/python -m pip install --quiet -c constraints/lowest.txt \
		-e '.[host,sandbox,postgresql,testing]' pytest-xdist pytest-timeout hypothesis jsonschema
	touch $(LOWEST)/.installed

test-lowest: $(LOWEST)/.installed
	$(LOWEST)/bin/pytest -n 2 -q tests/core tests/host tests/test_architecture.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) $(LOWEST) build *.egg-info .pytest_cache .ruff_cache
