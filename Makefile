# The one entry point. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help install run test test-sqlite lint fmt openapi docs bench clean messages

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install the register with its pinned dependencies

run: $(STAMP) ## Serve the whole register on SQLite at http://$${HOST:-127.0.0.1}:$${PORT:-8000}
	$(BIN)/regctl serve all

test: $(STAMP) ## Run the suite on SQLite and on a throwaway PostgreSQL 15 cluster
	VENV=$(VENV) bash scripts/test.sh $(ARGS)

test-sqlite: $(STAMP) ## Run the suite on SQLite only (quick)
	TEST_DATABASE=sqlite $(BIN)/python -m pytest $(ARGS)

lint: $(STAMP) ## ruff, mypy --strict, the import contracts and the tenancy check
	$(BIN)/ruff check services tests bench migrations scripts
	$(BIN)/ruff format --check services tests bench migrations scripts
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/python scripts/linters/tenancy.py

fmt: $(STAMP) ## Format and fix imports
	$(BIN)/ruff check --fix services tests bench migrations
	$(BIN)/ruff format services tests bench migrations

openapi: $(STAMP) ## Write openapi/{auth,registry,declarations,register}.json and docs/api/*.md
	$(BIN)/regctl openapi --out openapi
	$(BIN)/python scripts/openapi_reference.py

docs: $(STAMP) ## Build the documentation site (docs/, mkdocs.yml) into site/
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

bench: $(STAMP) ## Run the benchmarks in bench/ and print their figures
	VENV=$(VENV) bash bench/run.sh

clean: ## Remove the virtualenv, caches and local databases (var/)
	rm -rf $(VENV) var site .pytest_cache .mypy_cache .ruff_cache

messages: $(STAMP) ## Extract the console's messages and add new ones to each catalogue
	cd services/console && ../../$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --omit-header --sort-output -o locale/messages.pot .
	cd services/console && ../../$(BIN)/pybabel update -i locale/messages.pot -d locale --no-fuzzy-matching -w 100
