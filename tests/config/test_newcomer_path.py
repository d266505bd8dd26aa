"""The `make run` set-up path (migrate + seed_demo) on a fresh SQLite file."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_migrate_and_seed_demo_work_on_a_fresh_sqlite_file(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
    }
    migrate = run(["migrate", "--no-input"], env)
    assert migrate.returncode == 0, migrate.stderr
    first = run(["seed_demo"], env)
    assert first.returncode == 0, first.stderr
    assert "coord.arras" in first.stdout
    second = run(["seed_demo"], env)  # idempotent
    assert second.returncode == 0, second.stderr
    assert first.stdout == second.stdout


def test_seed_demo_refuses_to_run_when_debug_is_off(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SECRET_KEY": "s" * 50,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    }
    result = run(["seed_demo"], env)
    assert result.returncode != 0
    assert "DEBUG" in result.stderr
