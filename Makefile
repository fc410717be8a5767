# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make reproduce   set up .venv if needed, then run every notebook
#   make test        set up .venv if needed, then lint and every test not marked slow (about 2 min)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?= 2

.PHONY: reproduce replication-report test test-fast test-slow test-all lint browser notebooks tutorial verify-data benchmark drift lock test-notebooks clean-venv help

help:
	@echo "make reproduce   run the whole study (writes data/processed/ and reports/)"
	@echo "make replication-report  write reports/replication_report.md, .html and .pdf from the results"
	@echo "make test        lint, then every test not marked slow; the study runs once, shared (about 2 min)"
	@echo "make test-fast   the unit and property tests only, for the edit loop (under 30 s)"
	@echo "make test-slow   the end-to-end runs in copies of their own, the wheel, nbval on the tutorial and on every notebook"
	@echo "make test-notebooks  nbval on every notebook of notebooks/, in a copy of the project (part of make test-slow)"
	@echo "make test-all    make test, then make test-slow: what CI runs"
	@echo "make notebooks   re-execute the notebooks in place (refreshes nbval's reference outputs)"
	@echo "make tutorial    run the tutorial 'Adapting the package to your own survey'"
	@echo "make verify-data check data/raw against SHA256SUMS and its schemas"
	@echo "make benchmark   measure the command line, the reconstruction, the survey reader, survey runs by size, study runs, audit-table and the test targets (not in the tests)"
	@echo "make drift       run the study under the newest library releases and compare (reports/drift.html)"
	@echo "make lock        rewrite requirements/lock.txt from pyproject.toml (uv; versions kept unless UPGRADE=--upgrade)"

# Each step of the set-up says what it does; pip itself stays quiet.
$(BIN)/python:
	@echo "creating the virtual environment $(VENV)/ with $(PYTHON)"
	@$(PYTHON) -m venv $(VENV)

# Every library, extras included (lab, sweeps, test), comes from the lock, each file checked
# against its hashes; then the package itself without its dependencies (they are the lock's),
# and pip check confirms the lock holds everything pyproject.toml asks for.
$(STAMP): pyproject.toml requirements/lock.txt | $(BIN)/python
	@echo "installing the libraries of requirements/lock.txt ($$(grep -c '^[A-Za-z0-9]' requirements/lock.txt) pins, some for other platforms or Pythons) into $(VENV)/, each file checked against its hashes (a few minutes the first time)"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/lock.txt
	@echo "installing the package (editable, without dependencies: the lock's are there) into $(VENV)/"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@echo "checking that the installed libraries satisfy pyproject.toml (pip check)"
	@$(BIN)/python -m pip check > /dev/null || { $(BIN)/python -m pip check; exit 1; }
	@echo "registering the notebooks' Jupyter kernel (python3) in $(VENV)/"
	@$(BIN)/python -m ipykernel install --sys-prefix --name python3 > /dev/null
	@touch $(STAMP)
	@echo "set up: $(VENV)/"

# The lock: pyproject.toml with all its extras, resolved by uv for Python 3.11.7 (the one the
# outputs are made with) and newer on any platform (markers say where a library applies), each
# file's hash included. uv keeps every version already in the lock unless asked to move it:
# make lock UPGRADE="--upgrade-package pandas", or UPGRADE=--upgrade for all. uv itself is pinned
# by hash in requirements/lock-tool.txt and installed here only: nothing else needs it.
# environment.yml reads the lock, so it follows by itself.
UPGRADE ?=
lock: | $(BIN)/python
	@echo "installing the lock tool (uv, pinned in requirements/lock-tool.txt) into $(VENV)/"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/lock-tool.txt
	@echo "resolving pyproject.toml with all its extras into requirements/lock.txt"
	@$(BIN)/uv pip compile --quiet pyproject.toml --all-extras --universal --python-version 3.11.7 \
	  --generate-hashes --custom-compile-command "make lock" $(UPGRADE) --output-file requirements/lock.txt
	@echo "locked: $$(grep -c '^[A-Za-z0-9]' requirements/lock.txt) libraries in requirements/lock.txt (make installs them at its next run)"

reproduce: $(STAMP)
	$(BIN)/python -m analysis_utils run --jobs $(JOBS)
	$(MAKE) replication-report

# Filled from reports/results and reports/tables of the last run (Markdown, HTML, and PDF
# by Typst, which ships its own fonts and writes no date: the same results, the same bytes).
replication-report: $(STAMP)
	$(BIN)/python -m analysis_utils.report.replication

# Independent tests run on every core (pytest-xdist); the study runs once per session and
# is shared (tests/conftest.py: built), starting from what make reproduce left in reports/.
# loadscope keeps each test module (and a notebook's nbval cells, in order) on one worker:
# module fixtures run once.
PYTEST := $(BIN)/python -m pytest -n $(JOBS) --dist loadscope

# nbval is the arbiter of the notebooks' outputs, its sanitizer file masking what may differ
# between two runs. make test compares the shared run's executed notebooks with the committed
# ones by nbval's own code, without a second execution (tests/test_notebook_outputs.py);
# make test-slow runs pytest --nbval itself: on the tutorial (a test path) with the slow tests,
# then on every notebook of notebooks/ (test-notebooks).
NBVAL := --nbval --nbval-sanitize-with=$(CURDIR)/tests/nbval_sanitize.cfg

test: $(STAMP) lint browser
	$(PYTEST) -m "not slow"

test-fast: $(STAMP)
	$(PYTEST) -m "not slow and not study and not heavy"

test-slow: $(STAMP) browser
	$(PYTEST) -m slow $(NBVAL)
	@$(MAKE) --no-print-directory test-notebooks

# pytest --nbval on notebooks/: each notebook executed cell by cell, every output compared with
# the committed one. In a copy of the project (data/, notebooks/, the lock, and pyproject.toml
# for pytest's settings), because the notebooks write data/processed/ and reports/ beside
# them; one notebook after another in name order, because each reads what the earlier ones
# wrote (tests/test_notebook_contract.py checks that name order is an execution order).
test-notebooks: $(STAMP)
	@copy=$$(mktemp -d) && trap 'rm -rf "$$copy"' EXIT && \
	  cp -R data notebooks requirements pyproject.toml "$$copy"/ && \
	  echo "nbval: executing every notebook of notebooks/ in a copy of the project, in name order" && \
	  cd "$$copy" && $(abspath $(BIN))/python -m pytest -p no:cacheprovider $(NBVAL) notebooks

test-all: test test-slow

# The report's browser test drives Debian's chromium. Where it is missing and we may
# install packages (root with apt-get), install it; elsewhere the browser test is skipped.
browser:
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then \
	  :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's chromium for the report's browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null; \
	else \
	  echo "chromium not found: the browser test will be skipped (install Debian's chromium)"; \
	fi

# The CI files are checked offline: the workflows with actionlint and zizmor (pinned
# actions, least permissions, no template injection), the GitLab file against its schema.
lint: $(STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .
	$(BIN)/python -m mypy
	$(BIN)/actionlint .github/workflows/*.yml
	$(BIN)/zizmor --offline --no-progress .github/workflows
	$(BIN)/check-jsonschema --builtin-schema vendor.gitlab-ci .gitlab-ci.yml

notebooks: $(STAMP)
	$(BIN)/python -m analysis_utils run --jobs $(JOBS) --update-notebooks

# Papermill's API rather than its command line: the runner's kernel manager keeps the kernel's
# transport chatter ("running over TCP without encryption") off the terminal.
tutorial: $(STAMP)
	@mkdir -p reports/tutorial
	@echo "running tutorial/your_own_survey.ipynb (about two minutes)"
	@$(BIN)/python -c 'import papermill; papermill.execute_notebook( \
	  "tutorial/your_own_survey.ipynb", "reports/tutorial/your_own_survey.ipynb", cwd="tutorial", \
	  kernel_name="python3", progress_bar=False, \
	  kernel_manager_class="analysis_utils.pipeline.kernels.QuietKernelManager")'
	@echo "executed tutorial: reports/tutorial/your_own_survey.ipynb"

verify-data: $(STAMP)
	$(BIN)/python -m analysis_utils verify-data

benchmark: $(STAMP)
	$(BIN)/python benchmarks/bench_cli.py
	$(BIN)/python benchmarks/bench_reconstruction.py
	$(BIN)/python benchmarks/bench_survey.py
	$(BIN)/python benchmarks/survey_size.py
	$(BIN)/python benchmarks/bench_runs.py
	$(BIN)/python benchmarks/audit_table.py

# The reference is this checkout as make reproduce leaves it (locked versions); the run
# under the newest releases happens in a temporary copy, removed afterwards.
drift: reproduce
	$(BIN)/python -m analysis_utils.pipeline.drift --jobs $(JOBS)

clean-venv:
	rm -rf $(VENV)
