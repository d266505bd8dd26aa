"""Where a request of the member's case list spends its time: `python -m bench.profile`.

    DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python -m bench.profile [--samples N]

On the bench's database (`make bench` builds it), requests go through the
product's WSGI application as gunicorn calls it (no test client), the list at
50 rows (`bench.wsgi`). Prints, as medians: wall and processor time of the
list and of the frame reference page, then the time of each step of the list
view, timed by wrapping the helpers `workflows.views.cases` calls (their sum
falls short of the request: middleware, session and user come before the view).
A diagnostic for a pass on the list, beside the speed probe that says how fast
the machine was meanwhile; the bench's figures are `make bench`'s.
"""

import argparse
import io
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from functools import wraps

# The steps of CaseListView.get, as the names it calls in its module.
STEPS = (
    "case_ids_showing",
    "visible_cases",
    "list_filters",
    "list_slice",
    "visible_page",
    "log_access",
    "cells_showing_cases",
    "render",
)
BUILD_ROWS = "CaseRow.build"


class StepClock:
    """Milliseconds spent in each wrapped step during the current request."""

    def __init__(self):
        self.current: dict[str, float] = defaultdict(float)
        self.per_request: dict[str, list[float]] = defaultdict(list)

    def wrap(self, name: str, fn: Callable) -> Callable:
        @wraps(fn)
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.current[name] += (time.perf_counter() - started) * 1000

        return timed

    def end_request(self) -> None:
        for name, spent in self.current.items():
            self.per_request[name].append(spent)
        self.current.clear()

    def medians(self) -> dict[str, float]:
        return {name: statistics.median(values) for name, values in self.per_request.items()}


@contextmanager
def steps_timed(clock: StepClock):
    """The list view's helpers wrapped by `clock` for the duration of the block."""
    from workflows.views import cases

    saved = {name: getattr(cases, name) for name in STEPS}
    build = cases.CaseRow.__dict__["build"]
    try:
        for name, fn in saved.items():
            setattr(cases, name, clock.wrap(name, fn))
        cases.CaseRow.build = classmethod(clock.wrap(BUILD_ROWS, build.__func__))
        yield
    finally:
        for name, fn in saved.items():
            setattr(cases, name, fn)
        cases.CaseRow.build = build


def wsgi_get(application, path: str, cookie: str) -> Callable[[], bytes]:
    """A GET of `path` through `application` with the session `cookie`; raises unless 200."""

    def get() -> bytes:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_COOKIE": cookie,
            "wsgi.input": io.BytesIO(b""),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        statuses = []
        body = application(environ, lambda status, headers: statuses.append(status))
        try:
            content = b"".join(body)
        finally:
            getattr(body, "close", lambda: None)()
        if not statuses[0].startswith("200"):
            raise AssertionError(f"{path} answered {statuses[0]}")
        return content

    return get


def timed_requests(get: Callable[[], object], samples: int, clock: StepClock | None = None) -> dict:
    """Medians (ms) of wall and processor time over `samples` requests, after 5 unmeasured."""
    for _ in range(5):
        get()
    if clock is not None:
        clock.per_request.clear()
        clock.current.clear()
    wall, cpu = [], []
    for _ in range(samples):
        started, started_cpu = time.perf_counter(), time.process_time()
        get()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        if clock is not None:
            clock.end_request()
    return {"wall": statistics.median(wall), "cpu": statistics.median(cpu)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100, help="requêtes mesurées par page")
    args = parser.parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()

    from django.conf import settings

    from bench import measures
    from bench.wsgi import application  # the product's application, list at 50 rows

    people = measures.personas()
    session = measures.client_for(people.member).cookies[settings.SESSION_COOKIE_NAME].value
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
    clock = StepClock()
    print(f"Sonde de vitesse : {measures.speed_probe()} ms")
    with steps_timed(clock):
        listed = timed_requests(
            wsgi_get(application, measures._url("situations:index"), cookie), args.samples, clock
        )
    frame = timed_requests(
        wsgi_get(application, measures._url(measures.FRAME_REFERENCE_URL), cookie), args.samples
    )
    print(f"Liste du membre (50 lignes) : {listed['wall']:.1f} ms, dont processeur {listed['cpu']:.1f} ms")
    for name, median in clock.medians().items():
        print(f"  {name:<20} {median:6.2f} ms")
    print(f"Page du cadre : {frame['wall']:.1f} ms, dont processeur {frame['cpu']:.1f} ms")
    print(f"Sonde de vitesse : {measures.speed_probe()} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
