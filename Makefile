# Two entry points: `make demo` (set up, harvest the shared sample offline, index, serve)
# and `make test` (set up, lint, type-check, test). Everything else supports them.
PY        ?= python3
VENV      ?= .venv
BIN       := $(VENV)/bin
SAMPLE    ?= $(or $(GDPRKB_SAMPLE_PAGES),../shared/gdprhub/pages)
HOME_DIR  ?= $(or $(GDPRKB_HOME),./gdprkb-data)
MIRROR_PORT ?= 8765
APP_PORT  ?= 8501

.PHONY: setup browser test lint demo clean

$(BIN)/gdprkb: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first, pinned: the CPU build on this machine's disk (an unpinned one is a CUDA download)
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev,translate]'
	touch $@

setup: $(BIN)/gdprkb

# Debian's chromium for the real-browser test; never a browser download at run time.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  (apt-get update -q && apt-get install -y -q chromium chromium-driver) >/dev/null \
	  || { echo "could not install Debian's chromium (needed by tests/test_browser.py)"; exit 1; }; }

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy -p gdprkb.scraper -p gdprkb.corpus -p gdprkb.index

test: setup browser lint
	$(BIN)/pytest -q

# The mirror serves the sample as a local MediaWiki; scrape waits until it answers (polling,
# not sleeping), harvests it over HTTP exactly as it would gdprhub.eu, then index and serve.
demo: setup
	@$(BIN)/gdprkb --home $(HOME_DIR) mirror $(SAMPLE) --port $(MIRROR_PORT) & \
	  MIRROR=$$!; trap 'kill $$MIRROR 2>/dev/null' EXIT; \
	  for i in $$(seq 600); do \
	    kill -0 $$MIRROR 2>/dev/null || { echo "the mirror did not start (port $(MIRROR_PORT) busy? use MIRROR_PORT=...)"; exit 1; }; \
	    $(BIN)/python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$(MIRROR_PORT)/robots.txt', timeout=1)" 2>/dev/null && break; \
	    sleep 0.1; \
	  done; \
	  $(BIN)/gdprkb --home $(HOME_DIR) scrape --wiki http://127.0.0.1:$(MIRROR_PORT) --rate 0 --concurrency 4 && \
	  $(BIN)/gdprkb --home $(HOME_DIR) index && \
	  $(BIN)/gdprkb --home $(HOME_DIR) serve --port $(APP_PORT)

clean:
	rm -rf $(VENV) $(HOME_DIR) .pytest_cache .mypy_cache .ruff_cache
