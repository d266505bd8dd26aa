"""What every séance view shares: run a service, show its refusal as a message."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from casework.services.errors import ServiceError


def run_and_redirect(request: HttpRequest, service: Callable[[], object], done: str, to) -> HttpResponse:
    """Call `service()`; flash `done` or the service's French refusal; redirect to `to`."""
    try:
        service()
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(to)
