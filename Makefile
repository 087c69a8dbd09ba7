# The two commands a newcomer needs: `make demo` and `make test`.
# Each creates the virtual environment it needs from pyproject.toml.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test soak lint clean bench bench-quick deb

# pip -qq: errors only. The build backend's notes on editable installs and a machine's own pip
# configuration warnings are nothing a newcomer can act on.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --quiet --upgrade pip
	$(PY) -m pip install --quiet --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/cashier demo

# The whole suite: lint, every test, and the frozen-bundle smoke test (builds the installer
# bundle with PyInstaller and runs it: about a minute, so CI checks the shipped program too).
test: $(STAMP)
	$(VENV)/bin/ruff check cashier tests benchmarks installer
	CASHIER_BUILD_SMOKE=1 QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

# The Debian package dist/cashier_<version>_<arch>.deb: the PyInstaller bundle (with its
# self-check), packaged with dpkg-deb. Install it with: sudo apt install ./dist/cashier_*.deb
deb: $(STAMP)
	VENV=$(VENV) installer/build.sh
	installer/linux/build-deb.sh

# The proof that the gate is not random: the tests RUNS times in a row, every failure named.
# `make soak RUNS=30 LOAD=2 SOAK_TESTS=tests/ui` runs the UI tests under a busy loop per core.
RUNS ?= 10
LOAD ?= 0
SOAK_TESTS ?= tests
soak: $(STAMP)
	$(PY) -m tests.soak --runs $(RUNS) --load $(LOAD) $(SOAK_TESTS)

# Benchmarks: print a table and write benchmarks/RESULTS.md (a few minutes); quick for CI.
bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m benchmarks

bench-quick: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m benchmarks --quick

lint: $(STAMP)
	$(VENV)/bin/ruff check cashier tests benchmarks installer

clean:
	rm -rf $(VENV) build dist *.egg-info
