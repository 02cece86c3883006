# Two commands do all the set-up: `make lab` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: lab test unit notebooks bench book html student publish clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "lifutils needs Python 3.10 or newer; set PYTHON=python3.x")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e ".[lab,test,docs,grading]"
	$(PY) -m pip install -e ".[nest]" || echo "note: no NEST wheel here (lifutils[nest]); notebook 07 says how to get NEST"
	touch $(STAMP)

lab: $(STAMP)  ## open JupyterLab on the notebooks (as root, e.g. in a container, with --allow-root)
	$(VENV)/bin/jupyter lab notebooks/ $$(test "$$(id -u)" = 0 && echo --allow-root)

# The first pass: pytest-xdist with one worker more than the cores (JOBS=1 runs in one process,
# and everything after it in turn): the browser and
# book tests spend much of their time waiting on Chromium and JupyterLab, and the extra worker
# fills it (on 2 cores the first pass took 10.5 min instead of 12). tests/conftest.py says which
# tests go to one worker together (the browser tests; files with costly shared fixtures); groups
# go out in file order (--no-loadscope-reorder). nbval hands out whole notebooks (--dist
# loadfile): a notebook's cells run in order in one kernel.
CORES := $(shell $(PYTHON) -c 'import os; print(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)')
JOBS ?= $(shell expr $(CORES) + 1)
XDIST := $(if $(filter 1,$(JOBS)),-p no:xdist,-n $(JOBS) --dist loadgroup --no-loadscope-reorder)
# The --ulp=down pass after the first: one worker per core (nothing there waits on a browser;
# on 2 cores 2:31 instead of 2:45 with three workers). nbval keeps one more: its kernels start
# and wait (36 s, against 44 s with one per core, in two runs of .ci/run).
XDIST_NUMERICS := -n $(CORES) --dist loadgroup --no-loadscope-reorder
XDIST_NBVAL := $(if $(filter 1,$(JOBS)),-p no:xdist,-n $(JOBS) --dist loadfile)
ULP_BESIDE := $(PY) -m pytest -p no:xdist -p no:cacheprovider -m numerics

# The numerics with --ulp=up run in one process beside the first pass (which leaves a core
# idle about a third of its time, waiting on Chromium and JupyterLab) and beside --ulp=down,
# which starts when the first pass ends. Their summary (the whole log if they failed) comes
# after --ulp=down's; the log stays in build/ulp-up.log. With JOBS=1 everything runs in turn,
# in one process.
test: $(STAMP)  ## the whole suite (unit, docstring examples, browser), the numerics in both ulp modes, notebooks under nbval
	$(PY) -c 'import importlib.util as u; exit(u.find_spec("nest") is None)' || $(PY) -m pip install -e ".[nest]"
	@mkdir -p build
	@if [ "$(JOBS)" = 1 ]; then \
	    echo "$(PY) -m pytest $(XDIST) && $(PY) -m pytest $(XDIST) -m numerics --ulp=up && $(PY) -m pytest $(XDIST) -m numerics --ulp=down"; \
	    $(PY) -m pytest $(XDIST) && $(PY) -m pytest $(XDIST) -m numerics --ulp=up && $(PY) -m pytest $(XDIST) -m numerics --ulp=down; \
	else \
	    echo "beside the next two: $(ULP_BESIDE) --ulp=up > build/ulp-up.log"; \
	    $(ULP_BESIDE) --ulp=up > build/ulp-up.log 2>&1 & up=$$!; \
	    echo "$(PY) -m pytest $(XDIST)"; \
	    $(PY) -m pytest $(XDIST); first=$$?; \
	    echo "$(PY) -m pytest $(XDIST_NUMERICS) -m numerics --ulp=down"; \
	    $(PY) -m pytest $(XDIST_NUMERICS) -m numerics --ulp=down; down=$$?; \
	    wait $$up; up=$$?; \
	    echo "---- the numerics with --ulp=up, run beside the two passes above (build/ulp-up.log) ----"; \
	    if [ $$up -eq 0 ]; then tail -n 1 build/ulp-up.log; else tail -n 300 build/ulp-up.log; fi; \
	    [ $$first -eq 0 ] && [ $$down -eq 0 ] && [ $$up -eq 0 ]; \
	fi
	@if ls notebooks/*.ipynb >/dev/null 2>&1; then LIFUTILS_PROGRESS=0 $(PY) -m pytest $(NBVAL) $(XDIST_NBVAL) notebooks; fi

unit: $(STAMP)  ## unit and property tests and docstring examples only
	$(PY) -m pytest -m "not browser"

bench: $(STAMP)  ## print the benchmark tables
	$(PY) benchmarks/accuracy_cost.py

clean:
	rm -rf build .pytest_cache .hypothesis

notebooks: $(STAMP)  ## re-execute every notebook in place, fresh kernel, top to bottom
	$(PY) scripts/execute_notebooks.py

book: $(STAMP)  ## the course as a book in build/book/ (notebooks, guide, recipe, API reference), offline
	$(PY) scripts/build_book.py

html: book  ## the same as `make book` (the book replaced the handouts of build/html/)

student: $(STAMP)  ## student copies without solutions in build/student/, each run top to bottom
	$(PY) scripts/make_student.py --run

# REPO, BRANCH and HUB reach publish.py in the environment, as their raw text ($(value ...):
# make expands nothing in them, and no shell reads them); nothing else exports them.
unexport REPO BRANCH HUB
publish: export LIFUTILS_PUBLISH_REPO = $(value REPO)
publish: export LIFUTILS_PUBLISH_BRANCH = $(value BRANCH)
publish: export LIFUTILS_PUBLISH_HUB = $(value HUB)
publish:  ## point the Binder/Colab links, the book's launch buttons and install cells at REPO=owner/name [BRANCH=main] [HUB=https://...] (stdlib only)
	$(PYTHON) scripts/publish.py --from-env
