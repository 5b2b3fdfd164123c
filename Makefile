# wbcti-analysis: the two commands a researcher needs are `make run` and `make test`.
# Both create .venv and install the project into it on first use (Python 3.11, pip; no conda).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
REPORTS ?= reports
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.DEFAULT_GOAL := help
.PHONY: help install run test test-lib test-notebooks validate summary lab benchmark clean

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-15s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,lab,parallel]"
	@# nx-parallel for Python 3.11 (pyproject.toml, extra "parallel"): 0.4 declares 3.12+, 0.3 fails with networkx 3.6
	$(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' || $(BIN)/python -m pip install --quiet --ignore-requires-python "nx-parallel==0.4"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (wbcti)" >/dev/null
	@touch $(STAMP)

install: $(STAMP) ## create .venv and install the project with its test, JupyterLab and parallel extras

run: $(STAMP) ## validate the data, run every notebook into reports/<run-id>/ and print where index.html is
	$(BIN)/wbcti validate
	$(BIN)/wbcti run --output $(REPORTS)

test: $(STAMP) ## run every test: library (pytest + docstring examples) and notebooks (nbval)
	$(BIN)/python -m pytest --nbval-lax --doctest-modules -p no:cacheprovider tests src/wbcti_analysis notebooks

test-lib: $(STAMP) ## library tests and docstring examples, without the slow ones that start notebook kernels
	$(BIN)/python -m pytest --doctest-modules -m "not slow" -p no:cacheprovider tests src/wbcti_analysis

test-notebooks: $(STAMP) ## notebooks only, under nbval (cells marked NBVAL_CHECK_OUTPUT are compared)
	$(BIN)/python -m pytest --nbval-lax -p no:cacheprovider notebooks

validate: $(STAMP) ## check the bundled data package (or DATA=path)
	$(BIN)/wbcti validate $(DATA)

summary: $(STAMP) ## rows per table and country coverage of the data package (or DATA=path)
	$(BIN)/wbcti summary $(DATA)

lab: $(STAMP) ## open JupyterLab on the notebooks
	$(BIN)/jupyter lab notebooks

benchmark: $(STAMP) ## time loading, every analysis step and full `wbcti run`s on synthetic packages at k=1,10 (BENCH_ARGS=--with-100 adds k=100)
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_scale.py --full-run $(BENCH_ARGS)

clean: ## remove .venv and generated reports
	rm -rf $(VENV) $(REPORTS) .pytest_cache
