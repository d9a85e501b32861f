# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test check bench system-deps clean

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

# Everything: unit, model (the real MediaPipe model on many frames) and rig (end to end).
test: $(STAMP) system-deps
	$(BIN)/python -m pytest

# The edit-test loop: only tests/unit (no model, no rig), well under a minute.
check: $(STAMP)
	$(BIN)/python -m pytest tests/unit

bench: $(STAMP)
	$(BIN)/python benchmarks/mirror_ratios.py

clean:
	rm -rf $(VENV) build device/*.egg-info .pytest_cache
