# Two commands do everything on a fresh machine:
#   make run    set up, migrate, seed the demo events, start web + worker + local Stripe
#   make test   set up and run the whole suite (ruff + pytest)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format migrate seed clean

$(BIN)/python:
	@PY=$$(scripts/find-python) || exit 1; \
	echo "Creating $(VENV) with $$PY"; \
	"$$PY" -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	@echo "Starting web, worker, beat and the local Stripe server: http://127.0.0.1:8000"
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile.dev start

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# axe-core (accessibility checks of the browser tests) from the npm registry, if npm is
# here; without it those checks skip, and so do the browser tests without Chromium.
AXE := .cache/npm/node_modules/axe-core/axe.min.js
$(AXE):
	@mkdir -p .cache && printf '*\n' > .cache/.gitignore
	-npm install --prefix .cache/npm --no-audit --no-fund --silent axe-core@4

test: lint $(AXE)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) data
