# Two commands do all the set-up on a fresh machine (Python 3.11 + pip + a C compiler):
#   make demo   create .venv, install, build reports/study.pdf
#   make test   create .venv, install, run ruff and the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test fuzz bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/landscape study -o reports

# the suite runs on every core, one test file per worker (module fixtures built once); the
# files that read the four reports share one worker, which builds them once (tests/conftest.py)
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -n auto --dist loadfile

fuzz: $(STAMP)
	LANDSCAPE_FUZZ_EXAMPLES=20000 $(BIN)/python -m pytest -q -m slow tests

bench: $(STAMP)
	$(BIN)/landscape bench

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .cache .pytest_cache .hypothesis .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
