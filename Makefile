# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
export DEMO_MODE ?= 1

.PHONY: run test lint types unit install install-dev clean-db

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: install, create/upgrade the database, load the demo if empty, serve on :8501
run: $(VENV)/.installed
	$(PY) -m lib.cli init
	@if [ "$(DEMO_MODE)" = "1" ]; then $(PY) -m lib.cli demo; fi
	MALLOC_ARENA_MAX=2 $(PY) -m streamlit run app.py --server.port $(PORT) --server.address 0.0.0.0

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: $(VENV)/.installed-dev
	$(VENV)/bin/mypy lib

## make test: the whole suite (lint, types, unit, database, AppTest, browser)
test: lint types
	$(PY) -m pytest -n 2 --dist loadgroup -q

clean-db:
	rm -f data/app.db data/app.db-wal data/app.db-shm
