"""The load test's WSGI module loads as gunicorn loads it: alone, in a fresh process."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc
from bench.wsgi import application
from workflows.views import cases
from bench.measures import LIST_ROWS
print("LOADED", cases.PAGE_SIZE == LIST_ROWS, gc.get_freeze_count() > 0)
"""


def test_bench_wsgi_imports_in_a_fresh_process():
    # gunicorn imports the module before anything else: a model imported
    # before Django is set up fails there, not in a test session already set up.
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert probe.returncode == 0, probe.stderr[-3000:]
    assert "LOADED True True" in probe.stdout
