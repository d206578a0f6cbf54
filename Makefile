# The two commands of the README: `make serve` and `make test`. Both create or reuse .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: serve test install lint web

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "govgraph needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

install: $(STAMP) web

# Browser assets for /query (YASGUI), from npm into web/node_modules (never committed).
web: web/node_modules
web/node_modules: web/package-lock.json
	@if command -v npm >/dev/null; then cd web && npm ci --no-audit --no-fund && touch node_modules; \
	else echo "npm not found: /query will be a plain HTML form (install Node.js for YASGUI)"; fi

serve: install
	$(BIN)/govgraph serve

# The suite on every core (pytest-xdist; a file's tests stay on one worker, so its fixtures are
# set up once); a crashed worker ends the run instead of being replaced.
test: install
	$(BIN)/python -m pytest -n auto --dist loadfile --max-worker-restart=0

lint: install
	$(BIN)/ruff check service tests
	$(BIN)/mypy
