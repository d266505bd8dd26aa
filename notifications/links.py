"""Where a notification leads: the case page when the workflow's UI provides one."""

from django.urls import NoReverseMatch, reverse

# URL names of the case detail page, tried in order (the case UI belongs to the workflow app).
CASE_DETAIL_URL_NAMES = ("cases:detail", "casework:case_detail", "workflows:case_detail")


def case_url(case_id: int) -> str | None:
    for name in CASE_DETAIL_URL_NAMES:
        try:
            return reverse(name, args=[case_id])
        except NoReverseMatch:
            continue
    return None
