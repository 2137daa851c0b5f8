# Two entry points: `make demo` (set up, harvest the shared sample offline, index, serve)
# and `make test` (set up with the dev and translation extras, lint, type-check, test).
# `make translate` adds the optional translation stack (Argos Translate, torch) to the venv.
PY        ?= python3
VENV      ?= .venv
BIN       := $(VENV)/bin
SAMPLE    ?= $(or $(GDPRKB_SAMPLE_PAGES),../shared/gdprhub/pages)
HOME_DIR  ?= $(or $(GDPRKB_HOME),./gdprkb-data)
MIRROR_PORT ?= 8765
APP_PORT  ?= 8501
# torch is pinned and must be the CPU build: on Linux the public index's torch==2.13.0 is a
# CUDA build of several GB. It comes from a local wheel folder when pip has one (find-links,
# as on the project's machines), else from PyTorch's CPU-only index (docs/install.md).
TORCH       ?= torch==2.13.0
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
# Exit 0 when 127.0.0.1:PORT can be listened on (as a server would, with SO_REUSEADDR).
PORT_FREE := import socket, sys; s = socket.socket(); \
  s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1])))

.PHONY: setup translate browser test lint demo clean

# The demo's venv: gdprkb and what it needs to run, nothing else.
$(BIN)/gdprkb: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q -e .
	touch $@

setup: $(BIN)/gdprkb

# The optional translation stack: torch (CPU, pinned) first, then the `translate` extra, which
# keeps that torch and brings torch's own dependencies with the rest.
$(VENV)/.translate: $(BIN)/gdprkb
	$(BIN)/pip install -q --no-index --no-deps $(TORCH) 2>/dev/null \
	  || $(BIN)/pip install -q $(TORCH) --index-url $(TORCH_INDEX)
	$(BIN)/pip install -q -e '.[translate]'
	touch $@

translate: $(VENV)/.translate

# The tests cover translation too (with a tiny model they build), so they need both extras.
$(VENV)/.dev: $(VENV)/.translate
	$(BIN)/pip install -q -e '.[dev,translate]'
	touch $@

# Debian's chromium for the real-browser test; never a browser download at run time.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  (apt-get update -q && apt-get install -y -q chromium chromium-driver) >/dev/null \
	  || { echo "could not install Debian's chromium (needed by tests/test_browser.py)"; exit 1; }; }

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy -p gdprkb.scraper -p gdprkb.corpus -p gdprkb.index

test: $(VENV)/.dev browser lint
	$(BIN)/pytest -q

# The mirror serves the sample as a local MediaWiki; scrape waits until it answers (polling,
# not sleeping), harvests it over HTTP exactly as it would gdprhub.eu, then index and serve.
# The sample and both ports are checked first, so a mistake is named before any work starts;
# if the mirror stops anyway, its own message above says why.
demo: setup
	@test -d "$(SAMPLE)" || { echo "error: no saved pages at $(SAMPLE): put the shared \
	sample beside this folder (../shared/gdprhub/pages) or name it with SAMPLE=..."; exit 2; }
	@$(BIN)/python -c '$(PORT_FREE)' $(MIRROR_PORT) 2>/dev/null || { echo "error: port \
	$(MIRROR_PORT) is busy: choose another with MIRROR_PORT=..."; exit 2; }
	@$(BIN)/python -c '$(PORT_FREE)' $(APP_PORT) 2>/dev/null || { echo "error: port \
	$(APP_PORT) is busy: choose another with APP_PORT=..."; exit 2; }
	@$(BIN)/gdprkb --home $(HOME_DIR) mirror $(SAMPLE) --port $(MIRROR_PORT) & \
	  MIRROR=$$!; trap 'kill $$MIRROR 2>/dev/null' EXIT; \
	  for i in $$(seq 600); do \
	    kill -0 $$MIRROR 2>/dev/null || exit 1; \
	    $(BIN)/python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$(MIRROR_PORT)/robots.txt', timeout=1)" 2>/dev/null && break; \
	    sleep 0.1; \
	  done; \
	  $(BIN)/gdprkb --home $(HOME_DIR) scrape --wiki http://127.0.0.1:$(MIRROR_PORT) --rate 0 --concurrency 4 && \
	  $(BIN)/gdprkb --home $(HOME_DIR) index && \
	  $(BIN)/gdprkb --home $(HOME_DIR) serve --port $(APP_PORT)

clean:
	rm -rf $(VENV) $(HOME_DIR) .pytest_cache .mypy_cache .ruff_cache
