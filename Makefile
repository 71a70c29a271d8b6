# Daily tasks. `make serve` and `make test` are the whole set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
INDEX  ?= var/index
CORPUS := corpus
HOST   ?= 127.0.0.1
PORT   ?= 8000
CHROMIUM := /usr/bin/chromium
AXE    := var/npm/node_modules/axe-core/axe.min.js
AXE_VERSION := 4.14.1
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve test check lint format bench index clean opensearch-up opensearch-down

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $@

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium openssl

# axe-core, which the accessibility tests run in Chromium (WCAG 2.1 AA).
$(AXE):
	npm install --silent --no-audit --no-fund --prefix var/npm axe-core@$(AXE_VERSION)

# The index is rebuilt when it is missing or older than the corpus (a file or the folder)
# or than what decides its format (the analysis, the Whoosh storage).
FORMAT_SOURCES := indexer/language/analysis.py indexer/language/text.py indexer/whoosh/storage.py
$(INDEX)/CURRENT: $(shell find $(CORPUS) -name '*.txt' 2>/dev/null) $(CORPUS) $(FORMAT_SOURCES) | $(STAMP)
	$(BIN)/python -m indexer build --index $(INDEX) $(CORPUS)

index: $(INDEX)/CURRENT

serve: $(STAMP) $(INDEX)/CURRENT
	$(BIN)/python -m webapp --index $(INDEX) --host $(HOST) --port $(PORT)

test: $(STAMP) $(CHROMIUM) $(AXE) opensearch-up
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# A local cluster of 3 OpenSearch nodes (HTTP 9201-9203), fetched from Maven Central and
# cached under var/opensearch/; idempotent. The OpenSearch backend's tests need it.
opensearch-up:
	python3 scripts/opensearch.py up

opensearch-down:
	python3 scripts/opensearch.py down

# The inner loop: lint and the tests that start no server, browser or CLI process.
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q -m "not server and not browser and not slow and not opensearch"

# The benchmarks of docs/benchmarks.md and docs/reliability.md (about 40 minutes in all).
BENCH_INDEX ?= var/bench-index
bench: $(STAMP)
	cd bench && ../$(BIN)/python analysis_speed.py
	cd bench && ../$(BIN)/python segment_check.py
	cd bench && ../$(BIN)/python index_speed.py --keep ../$(BENCH_INDEX)
	cd bench && ../$(BIN)/python query_speed.py --index ../$(BENCH_INDEX)
	cd bench && ../$(BIN)/python restore_accents.py --index ../$(BENCH_INDEX)
	cd bench && ../$(BIN)/python typing_styles.py --index ../$(BENCH_INDEX)
	cd bench && ../$(BIN)/python accent_precision.py --index ../$(BENCH_INDEX)
	cd bench && ../$(BIN)/python stories.py --index ../$(BENCH_INDEX)
	cd bench && ../$(BIN)/python related_halves.py --stories ../$(BENCH_INDEX) --index ../var/bench-related
	cd bench && ../$(BIN)/python related_ceiling.py --stories ../$(BENCH_INDEX)
	PYTHONPATH=. $(BIN)/python bench/relevance.py
	cd bench && ../$(BIN)/python fuzz_api.py --requests 10000
	cd bench && ../$(BIN)/python write_speed.py
	cd bench && ../$(BIN)/python snapshot_speed.py --index ../$(BENCH_INDEX)
	cd bench && ../$(BIN)/python analytics_speed.py --index ../$(BENCH_INDEX)
	cd bench && ../$(BIN)/python editorial_speed.py --index ../$(BENCH_INDEX) --rounds 3

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	-python3 scripts/opensearch.py down
	rm -rf $(VENV) var test-output .pytest_cache .ruff_cache
