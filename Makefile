# cleanpipe: `make run` cleans the bundled fixtures, `make test` runs the tests.
# Both create .venv and install cleanpipe into it first when needed.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DATA   ?= ../shared/bench

.PHONY: setup run test fuzz bench bench-batch batch lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# the machine's pip 23 resolves trafilatura's lxml extra badly; a current pip does not
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/cleanpipe run fixtures/pages

# Both use the machine's cores (pytest-xdist). CLEANPIPE_FUZZ picks the fuzz profile:
# `make test` runs "ci" (1,000 hypothesis examples per test, 10,000 mutation cases per
# stage, seed 0), `make fuzz` "fuzz" (10,000 and 100,000, a new seed unless
# CLEANPIPE_FUZZ_SEED is set; the seed is printed with the counts).
test: $(STAMP)
	$(BIN)/python -m pytest -n auto

fuzz: $(STAMP)
	CLEANPIPE_FUZZ=fuzz CLEANPIPE_FUZZ_SEED=$${CLEANPIPE_FUZZ_SEED:-$$(date +%s)} \
		$(BIN)/python -m pytest -n auto tests/fuzz

# `make batch IN=crawl OUT=clean`: clean a folder incrementally. One cleanpipe process
# for all stale inputs (--resume skips each input whose OUT/<path>.json is not older
# than it), every output written atomically, so an interrupted or concurrent
# `make -j` run is safe. Optional: JOBS=N workers, STATS=file.json, ARGS=more options.
batch: $(STAMP)
	@test -n "$(IN)" -a -n "$(OUT)" || { echo "usage: make batch IN=dir OUT=dir" >&2; exit 2; }
	$(BIN)/cleanpipe run --resume -o "$(OUT)" $(if $(JOBS),-j $(JOBS)) \
		$(if $(STATS),--stats "$(STATS)") $(ARGS) "$(IN)"

# extraction quality and speed, then the language/MT stages: flagged shares of native
# text, the seed's score and reasons, and what the two stages cost per page
bench: $(STAMP)
	$(BIN)/python bench/run.py $(DATA)
	$(BIN)/python bench/mt.py $(DATA)
	$(BIN)/python bench/learn.py $(DATA)

# batch throughput -j1 vs -j2, peak memory of 20,000 vs 1,000 documents, overhead
bench-batch: $(STAMP)
	$(BIN)/python bench/batch.py --data $(DATA)/wcxb-dev

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build dist .pytest_cache
