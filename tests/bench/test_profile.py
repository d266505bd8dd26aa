"""`python -m bench.profile`: the list view's steps timed through the WSGI application."""

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import reverse

from bench import profile
from tests.factories import make_case
from workflows.views import cases


@pytest.fixture
def application():
    """The WSGI application, keeping the test's connection open across requests
    (the test client's handler does the same: the test runs in a transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def member_cookie(client, member):
    client.force_login(member)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def test_each_step_of_the_list_is_timed_per_request_and_the_view_restored(
    application, member_cookie, cell, coord
):
    make_case(cell=cell, by=coord)
    originals = {name: getattr(cases, name) for name in profile.STEPS}
    build = cases.CaseRow.__dict__["build"]
    clock = profile.StepClock()

    with profile.steps_timed(clock):
        get = profile.wsgi_get(application, reverse("situations:index"), member_cookie)
        medians = profile.timed_requests(get, samples=3, clock=clock)
        assert "Situations de mes cellules" in get().decode()

    assert medians["wall"] > 0 and medians["cpu"] > 0
    # Every step ran once per measured request (the warm-up's are dropped).
    assert set(clock.per_request) == {*profile.STEPS, profile.BUILD_ROWS}
    assert all(len(values) == 3 for values in clock.per_request.values())
    assert clock.medians()["render"] > 0
    assert {name: getattr(cases, name) for name in profile.STEPS} == originals
    assert cases.CaseRow.__dict__["build"] is build


def test_a_page_that_does_not_answer_200_is_an_error(application, member_cookie):
    get = profile.wsgi_get(application, "/app/situations/999999999/", member_cookie)
    with pytest.raises(AssertionError, match="404"):
        get()
