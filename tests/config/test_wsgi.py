"""The WSGI entry point leaves a worker settled: views imported, startup objects frozen."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, sys
from config.wsgi import application
print("FROZEN", gc.get_freeze_count())
print("VIEWS", "workflows.views.cases" in sys.modules, "permissions.api.views" in sys.modules)
"""


def test_the_wsgi_module_imports_the_views_and_freezes_the_startup_objects():
    # In a child process: a frozen object is never collected, and this one
    # must not freeze the test session's objects.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert probe.returncode == 0, probe.stderr
    lines = dict(
        line.split(" ", 1) for line in probe.stdout.splitlines() if line.startswith(("FROZEN", "VIEWS"))
    )
    # Django, viewflow, DRF and the app's modules: tens of thousands of objects.
    assert int(lines["FROZEN"]) > 20_000
    assert lines["VIEWS"] == "True True"
