"""What every séance view shares: run a service, show its refusal as a message."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from casework.services.errors import ServiceError

# GET parameter of the séance page: which page of the cases open for more
# than 12 months it proposes (selectors.agenda_proposals); its forms post it back.
LONG_RUNNING_PARAM = "anciennes"


def run_and_redirect(request: HttpRequest, service: Callable[[], object], done: str, to) -> HttpResponse:
    """Call `service()`; flash `done` or the service's French refusal; redirect to `to`."""
    try:
        service()
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(to)


def long_running_page(data) -> int:
    """The page of long-running proposals asked in `data` (request.GET or
    request.POST): a whole number, 1 for anything else."""
    try:
        return max(int(data.get(LONG_RUNNING_PARAM, "")), 1)
    except ValueError:
        return 1
