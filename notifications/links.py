"""Where a notification leads: the case file of the workflow's UI."""

from django.urls import reverse


def case_url(case_id: int) -> str:
    # The case file answers 404 when the case is out of the user's scope.
    return reverse("situations:detail", args=[case_id])
