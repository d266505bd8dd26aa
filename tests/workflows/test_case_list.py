"""The case list's pages: one query gives the page's ids and the total."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from notifications.models import StallFlag
from notifications.services import stalls_scan
from tests.factories import make_case
from tests.notifications.conftest import at, days


@pytest.fixture
def five_cases(cell):
    start = date(2026, 1, 5)
    return [make_case(cell, signaled_on=start + timedelta(days=index)) for index in range(5)]


def references(response) -> list[str]:
    return [row.case.reference for row in response.context["rows"]]


@pytest.mark.parametrize(
    ("page", "number", "expected"),
    [
        ("", 1, [4, 3]),
        ("2", 2, [2, 1]),
        ("3", 3, [0]),
        ("99", 3, [0]),  # past the end: the last page
        ("abc", 1, [4, 3]),  # not a number: the first page
        ("-4", 1, [4, 3]),
    ],
)
def test_pages_like_django_get_page(client, coord, five_cases, monkeypatch, page, number, expected):
    monkeypatch.setattr("workflows.views.cases.PAGE_SIZE", 2)
    client.force_login(coord)
    response = client.get(reverse("situations:index"), {"page": page} if page else {})
    assert response.status_code == 200
    assert response.context["page"].number == number
    assert response.context["page"].paginator.count == 5
    assert response.context["page"].paginator.num_pages == 3
    assert references(response) == [five_cases[index].reference for index in expected]
    assert "5 situations" in response.content.decode()


def test_an_empty_list_has_one_empty_page(client, coord):
    client.force_login(coord)
    response = client.get(reverse("situations:index"), {"page": "3"})
    assert response.status_code == 200
    assert response.context["page"].number == 1
    assert response.context["page"].paginator.count == 0
    assert "Aucune situation ne correspond." in response.content.decode()


def test_each_row_links_to_its_case_file(client, coord, five_cases):
    client.force_login(coord)
    rows = client.get(reverse("situations:index")).context["rows"]
    assert sorted(row.url for row in rows) == sorted(
        reverse("situations:detail", args=[c.pk]) for c in five_cases
    )


def test_the_stall_sort_pages_like_its_order(client, coord, cell, monkeypatch):
    """Sorted by stall (highest level first, then oldest, unstalled last), page
    after page: the order computed here from the flags themselves."""
    cases = [make_case(cell, signaled_on=days(offset)) for offset in (0, 3, 12, 20, 27, 29)]
    stalls_scan(now=at(days(30)))
    stalls_scan(now=at(days(45)))  # escalates the oldest flags
    flags = {}
    for flag in StallFlag.objects.open():
        level, since = flags.get(flag.case_id, (None, None))
        flags[flag.case_id] = (max(level or 0, flag.level), min(since or flag.since, flag.since))
    assert flags and len(flags) < len(cases), "the data must mix stalled and calm cases"

    def key(case):
        level, since = flags.get(case.pk, (None, None))
        return (level is None, -(level or 0), since or date.max, -case.pk)

    expected = [case.reference for case in sorted(cases, key=key)]
    monkeypatch.setattr("workflows.views.cases.PAGE_SIZE", 4)
    client.force_login(coord)
    pages = [
        references(client.get(reverse("situations:index"), {"tri": "blocage", "page": number}))
        for number in (1, 2)
    ]
    assert pages[0] + pages[1] == expected
