# The same gate and tests as .ci/run, for a developer's venv: pip install -e '.[dev]'
.PHONY: check lint format types imports test all

check: lint format types imports

lint:
	ruff check src tests bench

format:
	ruff format --check src tests bench

types:
	mypy

imports:
	lint-imports

test:
	pytest

all: check test
