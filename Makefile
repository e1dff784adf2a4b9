# metalwatch: `make report` writes the weekly PDF from the bundled data; `make test` runs the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: report test lint snapshot clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/metalwatch report $(if $(WEEK),--week $(WEEK)) $(if $(LANG_),--lang $(LANG_))

test: $(STAMP)
	$(BIN)/ruff check metalwatch tests scripts
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check metalwatch tests scripts
	$(BIN)/ruff format --check metalwatch tests scripts

snapshot: $(STAMP)
	$(BIN)/python scripts/build_snapshot.py

clean:
	rm -rf $(VENV) reports build dist *.egg-info
