# The two commands of the README. Each installs what it needs on a fresh machine first.
#   make app   runs the app on the bundled case (http://localhost:8501)
#   make test  runs every test: core, AppTest journeys, and the real browser (Debian's Chromium)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: app test lint deps dev-deps chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.deps $@

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

# Browser tests and image export use Debian's Chromium; never a browser that downloads itself.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium (needs root)…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

app: deps
	$(BIN)/streamlit run app.py --server.address 127.0.0.1 --browser.gatherUsageStats false

test: dev-deps chromium
	$(BIN)/python -m pytest

lint: dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
