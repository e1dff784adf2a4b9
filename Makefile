# metalwatch: `make report` writes the weekly PDF from the bundled data; `make test` runs the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
CODE   := metalwatch tests scripts benchmarks docs

.PHONY: report test lint typecheck docs snapshot system-deps clean bench

# An editable install compiles no bytecode (a wheel's does): compileall does it once, or a box
# with PYTHONDONTWRITEBYTECODE set compiles metalwatch's modules on every run (~0.1 s a report).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m compileall -q metalwatch
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/metalwatch report $(if $(WEEK),--week $(WEEK)) $(if $(LANG_),--lang $(LANG_))

# The gates, then the tests: lint and format, mypy --strict on metalwatch/, the docs site with
# warnings as errors, then pytest.
test: lint typecheck docs
	scripts/with_postgres.sh $(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)

typecheck: $(STAMP)
	$(BIN)/mypy

# The documentation site (mkdocs.yml, docs/): offline, and --strict fails on any warning.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict -d build/site

# Benchmarks (issue 13): ratios of alternated A/B processes, each against its target; not part
# of `make test` (about 10 minutes; bench_scale.py, 10x the series, is run by hand).
bench: $(STAMP)
	for b in bench_report bench_first_use bench_moves; do \
		$(BIN)/python benchmarks/$$b.py || exit 1; done

# The bundled snapshot from ../shared/data, then the store image a new store is copied from.
snapshot: $(STAMP)
	$(BIN)/python scripts/build_snapshot.py
	$(BIN)/python scripts/build_store_image.py

# Optional, Debian/Ubuntu as root: HarfBuzz subsetting (WeasyPrint's font subsetter when present)
# makes every PDF faster than fontTools' fallback;
# poppler-utils gives pdftoppm for looking at pages. Neither is needed for `make report`.
system-deps:
	apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
		libharfbuzz-subset0 poppler-utils

clean:
	rm -rf $(VENV) reports build dist *.egg-info
