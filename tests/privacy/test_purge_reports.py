"""Purge reports: counts for the partnership's coordinators and DPO; nobody else."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.models import PurgeReport
from casework.services.retention import retention_run
from privacy.views.reports import PAGE_SIZE
from tests.factories import make_case


@pytest.fixture
def purged(cell, coordinator):
    case = make_case(
        cell,
        by=coordinator,
        first_name="Léa",
        last_name="Martin",
        birth_date=date(2000, 6, 1),
        signaled_on=date(2020, 1, 10),
    )
    retention_run(today=date(2025, 6, 1))
    return case


@pytest.mark.parametrize("who", ["coordinator", "dpo"])
def test_coordinator_and_dpo_read_the_counts(client, request, purged, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("privacy:purge_reports"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "CLSPD d&#x27;Arras" in body and "Lens" not in body
    assert purged.reference not in body and "Martin" not in body
    assert response.context["rows"][0][1][1] == 1  # one case purged


def test_dpo_sees_no_case(dpo, purged, case):
    from permissions.visibility import visible_cases

    assert not visible_cases(dpo).exists()


def test_member_gets_404(client, member, purged):
    client.force_login(member)
    assert client.get(reverse("privacy:purge_reports")).status_code == 404


def test_another_partnerships_coordinator_sees_only_their_own(client, other_coordinator, purged):
    client.force_login(other_coordinator)
    body = client.get(reverse("privacy:purge_reports")).content.decode()
    assert "Lens" in body and "Arras" not in body


def test_reports_are_paged_newest_first_with_their_total(client, w, coordinator):
    arras, lens = w["partnerships"]["arras"], w["partnerships"]["lens"]
    now = timezone.now()
    reports = PurgeReport.objects.bulk_create(
        PurgeReport(partnership=partnership, run_on=timezone.localdate(), counts={"cases_purged": index})
        for index in range(PAGE_SIZE + 5)
        for partnership in (arras, lens)
    )
    for index, report in enumerate(reports):  # one night apart, the first oldest
        PurgeReport.objects.filter(pk=report.pk).update(run_at=now - timedelta(days=len(reports) - index))
    client.force_login(coordinator)
    url = reverse("privacy:purge_reports")
    first, second = client.get(url), client.get(url, {"page": 2})
    shown = [[report.pk for report, _ in page.context["rows"]] for page in (first, second)]
    assert [len(pks) for pks in shown] == [PAGE_SIZE, 5]
    # Arras's reports only, each once, the latest run first.
    assert shown[0] + shown[1] == [r.pk for r in reversed(reports) if r.partnership_id == arras.pk]
    for number, page in enumerate((first, second), start=1):
        body = page.content.decode()
        assert f"{PAGE_SIZE + 5} rapports, du plus récent au plus ancien" in body
        assert f"Page {number} sur 2" in body
