# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench system-deps clean

# constraints.txt pins the versions that fit the face model's numpy<2 (the
# installer on the Pi uses the same file), so pip never searches old releases.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

# Debian packages the tests need (a headless browser for the therapist's report).
system-deps:
	bash scripts/system-deps.sh

demo: $(STAMP)
	$(BIN)/mimicmirror demo

test: $(STAMP) system-deps
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/analysis_overhead.py

clean:
	rm -rf $(VENV) build device/*.egg-info .pytest_cache
