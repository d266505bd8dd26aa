# Two commands for a newcomer: `make run` (demo on SQLite) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
PY := .venv/bin/python
PORT ?= 8000

.PHONY: help venv run test lint fix quality bench bpmn migrate seed clean

help:
	@echo "make run    – démo locale (SQLite intégré, données fictives) sur http://127.0.0.1:$(PORT)"
	@echo "make test   – toute la suite sur PostgreSQL et Redis réels"
	@echo "make lint   – ruff check + ruff format --check"
	@echo "make bench  – banc de mesure à l'échelle d'un département (PostgreSQL)"
	@echo "make bpmn   – régénère workflows/doc/ (BPMN et SVG du parcours)"

# Bootstrap uv when absent (no step relies on anything installed by hand).
$(UV):
	@echo "uv absent : installation dans ~/.local/bin"
	python3 -m pip install --user --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

venv: .venv/.synced

run: venv
	@bash scripts/run-demo.sh

test: venv
	@$(PY) scripts/check_services.py
	@bash scripts/ensure-chromium.sh
	@bash scripts/ensure-wrk.sh
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

fix: venv
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

quality: lint
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

bench: venv
	@$(PY) scripts/check_services.py
	@bash scripts/ensure-wrk.sh
	DJANGO_SETTINGS_MODULE=bench.settings $(PY) -m bench $(BENCH_ARGS)

bpmn: venv
	DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) manage.py flowexport workflows/flows.CaseFlow --format bpmn > workflows/doc/case_flow.bpmn
	DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) manage.py flowexport workflows/flows.CaseFlow --format svg > workflows/doc/case_flow.svg

clean:
	rm -rf .venv var/*.sqlite3
