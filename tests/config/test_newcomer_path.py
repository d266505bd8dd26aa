"""The `make run` set-up path (migrate + seed_demo) on a fresh SQLite file."""

import os
import re
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
    # The visibility rules are SQL the demo's SQLite runs too: each account
    # gets the representations the README promises, and the list page renders.
    seen = run(["shell", "-c", SEEN_BY_DEMO_ACCOUNTS], env)
    assert seen.returncode == 0, seen.stderr
    # Only our lines: django-axes logs to the same stdout.
    lines = dict(re.findall(r"^SEEN (\S+) (.*)$", seen.stdout, re.MULTILINE))
    assert lines["coord.arras"] == "['full']"
    assert lines["membre.arras"] == "['cell_summary']"
    assert lines["magistrat.arras"] == "['scoped_summary']"
    assert lines["pjj.arras"] == "['cell_summary', 'full', 'scoped_summary']"
    assert lines["prefecture"] == "[]"
    assert lines["list"] == "200"
    assert lines["sorted"] == "200 True"
    assert lines["logged"] == "True"  # the access log's raw INSERT stores a readable instant
    # The task queue: a union of id sets and a per-row visibility rule, on SQLite too.
    assert lines["queue"] == "200 True"


SEEN_BY_DEMO_ACCOUNTS = """
from django.test import Client
from casework.models import User
from permissions.visibility import visible_cases
for username in ["coord.arras", "membre.arras", "magistrat.arras", "pjj.arras", "prefecture"]:
    user = User.objects.get(username=username)
    print("SEEN", username, sorted(set(visible_cases(user).values_list("representation", flat=True))))
client = Client()
client.force_login(User.objects.get(username="membre.arras"))
print("SEEN list", client.get("/app/situations/", HTTP_HOST="127.0.0.1").status_code)
# The list's page, total and stall counts come from one CTE (permissions.paging).
client.force_login(User.objects.get(username="coord.arras"))
sorted_page = client.get("/app/situations/?tri=blocage&statut=tous&page=99", HTTP_HOST="127.0.0.1")
from permissions.models import AccessLog
print("SEEN logged", AccessLog.objects.filter(user__username="coord.arras", channel="ui_list").latest("at").at.tzinfo is not None)
print("SEEN sorted", sorted_page.status_code, "Aucune situation ne correspond." not in sorted_page.content.decode())
from workflows.flows import CaseFlow
from workflows.models import CaseTask
queue = client.get("/app/case/queue/", HTTP_HOST="127.0.0.1")
print("SEEN queue", queue.status_code, CaseTask.objects.queue([CaseFlow], User.objects.get(username="coord.arras")).exists())
"""


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
