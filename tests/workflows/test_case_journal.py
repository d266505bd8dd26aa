"""The case file shows the latest journal entries; the journal page, all of them."""

import re
from datetime import date

import pytest
from django.urls import reverse

from casework.services.journal import journal_log
from permissions.models import AccessLog
from workflows.views.cases import JOURNAL_PAGE_SIZE, JOURNAL_PREVIEW


@pytest.fixture
def long_case(signal, coord):
    case = signal()
    for day in range(1, 151):  # with the signalement's entry: 151
        journal_log(
            case=case, actor=coord, kind="other", summary=f"Événement {day}", occurred_on=date(2026, 1, 1)
        )
    return case


def test_the_case_file_shows_the_latest_entries_and_links_to_the_whole_journal(client, coord, long_case):
    client.force_login(coord)
    page = client.get(reverse("situations:detail", args=[long_case.pk])).content.decode()
    assert "Événement 150" in page and f"Événement {150 - JOURNAL_PREVIEW}" not in page
    assert reverse("situations:journal", args=[long_case.pk]) in page

    first = client.get(reverse("situations:journal", args=[long_case.pk]))
    assert first.status_code == 200
    assert first.context["page"].paginator.count == 151
    assert len(first.context["page"].object_list) == JOURNAL_PAGE_SIZE
    newest = first.content.decode()
    assert re.search(r"Événement 150\b", newest) and re.search(r"Événement 51\b", newest)
    assert not re.search(r"Événement 50\b", newest)
    oldest = client.get(reverse("situations:journal", args=[long_case.pk]), {"page": "2"}).content.decode()
    assert re.search(r"Événement 50\b", oldest) and "Signalement" in oldest
    assert AccessLog.objects.filter(user=coord, case=long_case, channel="ui_detail").count() == 3


def test_a_short_journal_has_no_link(client, coord, signal):
    case = signal()
    client.force_login(coord)
    page = client.get(reverse("situations:detail", args=[case.pk])).content.decode()
    assert reverse("situations:journal", args=[case.pk]) not in page


def test_readers_without_the_journal_get_404(client, member, outsider, long_case):
    for user in (member, outsider):  # cell summary (no journal), other partnership
        client.force_login(user)
        assert client.get(reverse("situations:journal", args=[long_case.pk])).status_code == 404
    assert not AccessLog.objects.filter(
        case=long_case, user__in=[member, outsider], channel="ui_detail"
    ).exists()
