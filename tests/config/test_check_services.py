"""`make test` stops at once, naming the start command, when a service is down."""

import os
import subprocess
import sys
from pathlib import Path

from scripts.check_services import PG_START, REDIS_START

ROOT = Path(__file__).resolve().parents[2]


def run(**env):
    return subprocess.run(
        [sys.executable, "scripts/check_services.py"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_it_passes_when_both_services_answer():
    assert run().returncode == 0


def test_it_names_the_postgresql_start_command_when_the_database_is_down():
    result = run(DATABASE_URL="postgres://postgres@127.0.0.1:1/veille")
    assert result.returncode == 1
    assert PG_START in result.stderr and REDIS_START not in result.stderr


def test_it_names_the_redis_start_command_when_the_broker_is_down():
    result = run(REDIS_URL="redis://127.0.0.1:1/0")
    assert result.returncode == 1
    assert REDIS_START in result.stderr and PG_START not in result.stderr
