# The two commands: `make run` (the app on the embedded DuckDB with demo data) and `make test` (every test).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
export PARTNERS_DB ?= var/partners.duckdb

.PHONY: run test bench bench-quick load lint demo chromium catalogues extract clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The translations (docs/languages.md): each .po catalogue compiled to its .mo here, in the build; the .mo files
# are not committed (the app compiles a missing or older one in memory from its .po).
LOCALES := src/partners/locale
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard $(LOCALES)/*/LC_MESSAGES/partners.po))

%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile --domain partners -i $< -o $@

## catalogues: compile the message catalogues (.po -> .mo)
catalogues: $(CATALOGUES)

## extract: gather every translatable message into partners.pot and merge it into each language's .po
extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-wrap --sort-by-file --project partners -o $(LOCALES)/partners.pot .
	$(BIN)/pybabel update --domain partners --no-wrap -i $(LOCALES)/partners.pot -d $(LOCALES)

## run: install, create the database with reference and demo data when absent, serve on localhost:$(PORT)
run: $(VENV)/.installed catalogues
	$(BIN)/partners init --demo
	$(BIN)/streamlit run streamlit_app.py --server.address localhost --server.port $(PORT)

## chromium: Debian's Chromium for the browser tests (installed when missing and we may use apt)
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "warning: could not install chromium; browser tests will not run"; \
	  else echo "warning: chromium is missing (sudo apt-get install chromium); browser tests will not run"; fi; }

## test: the whole suite (unit, service, AppTest and browser tests)
test: $(VENV)/.installed-test chromium catalogues
	$(BIN)/python -m pytest

## bench: the benchmark at 1x, 10x and 50x (docs/performance.md): a Markdown table, JSON in bench-results/
bench: $(VENV)/.installed-test chromium catalogues
	$(BIN)/python -m benchmarks

## bench-quick: the same at 1x with fewer runs and no load test (under a minute)
bench-quick: $(VENV)/.installed-test chromium catalogues
	$(BIN)/python -m benchmarks --quick

## load: 20 and 50 concurrent sessions browsing one server at 50x (also part of `make bench`)
load: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks --scales 50 --parts load

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks streamlit_app.py
	PYTHONPATH=src $(BIN)/lint-imports

## demo: regenerate the demo data in the default database
demo: $(VENV)/.installed
	$(BIN)/partners demo

clean:
	rm -rf var test-artifacts bench-results .pytest_cache
