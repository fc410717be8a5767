# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make reproduce   set up .venv if needed, then run every notebook
#   make test        set up .venv if needed, then run lint, unit tests, notebook contract tests and nbval
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?= 2

.PHONY: reproduce test lint notebooks verify-data benchmark clean-venv help

help:
	@echo "make reproduce   run the whole study (writes data/processed/ and reports/)"
	@echo "make test        run every test: ruff, unit and contract tests, nbval"
	@echo "make notebooks   re-execute the notebooks in place (refreshes nbval's reference outputs)"
	@echo "make verify-data check data/raw against SHA256SUMS and its schemas"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml requirements/lock.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements/lock.txt -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 > /dev/null
	touch $(STAMP)

reproduce: $(STAMP)
	$(BIN)/python -m analysis_utils run --jobs $(JOBS)

test: $(STAMP) lint
	$(BIN)/python -m pytest --nbval

lint: $(STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .

notebooks: $(STAMP)
	$(BIN)/python -m analysis_utils run --jobs $(JOBS) --update-notebooks

verify-data: $(STAMP)
	$(BIN)/python -m analysis_utils verify-data

clean-venv:
	rm -rf $(VENV)
