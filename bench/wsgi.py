"""The product's WSGI application for the load test, with the case list at 50 rows.

The only difference from config.wsgi: the page size the bench measures
(the product's default page is smaller).
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

from bench.measures import LIST_ROWS  # noqa: E402

try:
    from workflows.views import cases
except ImportError:  # the case screens are not on this branch
    cases = None
if cases is not None:
    cases.PAGE_SIZE = LIST_ROWS
