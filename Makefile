# outcomelab: the two commands the README promises on a fresh machine (Python >= 3.11 and make).
#   make demo   set up .venv and run the standard evaluation on the bundled example data
#   make test   set up .venv with the dev extras and run lint, type checks and the whole test suite

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DEMO_OUT ?= demo-output

.PHONY: demo test test-quick lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# sizes: `du -sh` of a fresh .venv (README, "Two commands"); the time is a first run with pip
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "Installing outcomelab and its dependencies into $(VENV): about 1.1 GB (143 packages),"
	@echo "about 4 minutes on a first run (downloads included). pip shows its progress below."
	$(BIN)/python -m pip install --progress-bar on -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	@echo "Installing outcomelab with its test and lint tools into $(VENV): about 1.6 GB,"
	@echo "several minutes on a first run (downloads included). pip shows its progress below."
	$(BIN)/python -m pip install --progress-bar on -e ".[dev]"
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(BIN)/outcomelab demo --out $(DEMO_OUT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks conftest.py
	$(BIN)/ruff format --check src tests benchmarks conftest.py
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -n 2

test-quick: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n 2 -m "not slow and not browser"

format: $(VENV)/.installed-dev
	$(BIN)/ruff format src tests benchmarks conftest.py
	$(BIN)/ruff check --fix src tests benchmarks conftest.py

clean:
	rm -rf $(VENV) $(DEMO_OUT) .pytest_cache .mypy_cache .ruff_cache
