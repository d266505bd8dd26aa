"""The product's WSGI application for the load test, with the case list at 50 rows.

The product's `config.wsgi` (application loaded, view modules imported,
objects frozen out of the garbage collector's reach), plus the page size the
bench measures (the product's default page is smaller) and a warm-up. gunicorn runs
with --preload, so the URLconf, the views' modules and the compiled templates
are loaded once in the master and inherited by every worker: the load test
measures steady-state requests, not each worker's first request (seconds of
imports and template compilation on a loaded machine).
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

# The product's entry point: its application, loaded and settled (gc.freeze).
# First: nothing that imports a model may come before it.
from config.wsgi import application  # noqa: E402,F401

try:
    from workflows.views import cases
except ImportError:  # the case screens are not on this branch
    cases = None
if cases is not None:
    from bench.measures import LIST_ROWS

    cases.PAGE_SIZE = LIST_ROWS


def _warm_up() -> None:
    from django.db import connections
    from django.template.loader import get_template

    get_template("workflows/case_list.html")  # compiles it and loads its tag libraries
    connections.close_all()  # no connection may be shared by forked workers


_warm_up()
