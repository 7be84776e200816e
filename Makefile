# On a fresh machine with Python 3.10-3.13 and pip, two commands:
#   make lab    set up, then open the course in JupyterLab
#   make test   set up, then run the whole test suite (notebooks in quick mode)
# and, for instructors, `make benchmark` (every notebook in full mode, timed);
# for contributors, `make lint` (ruff: lint and format check, as CI runs it).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup lab test lint benchmark

setup: $(STAMP)

# Re-installs only when the requirements or the utils package metadata change.
$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt -e .
	touch $@

# utils/core/lab.py: --allow-root only as root, and nbgrader's instructor tools left out of the learner's JupyterLab.
lab: setup
	$(BIN)/python -m utils.core.lab

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

benchmark: setup
	$(BIN)/python -m utils.runner --mode full
