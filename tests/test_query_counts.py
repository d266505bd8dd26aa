"""Query-count guards: a page's SQL does not grow with the rows it shows.

Each page is requested with 5 and with 30 rows (cases, journal entries or
tasks) and must run the same number of queries both times, under a ceiling
that fails CI on a regression. Pages already guarded elsewhere are not
repeated here: the coordinator's case list (tests/workflows/test_http_flow.py),
the API case list (tests/permissions/test_api.py) and the indicators
dashboard (tests/indicators/test_publication.py).
"""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from casework.models.codes import Motif, PlanMeasure, Profil
from casework.services.cases import YouthIdentity
from casework.services.journal import journal_log
from permissions.disclosures import disclosure_create
from tests.factories import make_user, sign_charter
from workflows.services import case_signal_and_start

SIZES = (5, 30)


@pytest.fixture
def signal(w, cell, member):
    def _signal(n: int):
        return [
            case_signal_and_start(
                cell=cell,
                identity=YouthIdentity(
                    first_name="Léo",
                    last_name=f"Compte{index}",
                    birth_date=date(2010, 3, 14),
                    sex="M",
                    commune_id=w["communes"]["Arras"].pk,
                ),
                source_institution=w["institutions"]["college"],
                motifs=[Motif.ABSENTEISME, Motif.INCIVILITES],
                profil=Profil.DECROCHEUR,
                plan_measure=PlanMeasure.M2,
                signaled_on=timezone.localdate(),
                by=member,
            )
            for index in range(n)
        ]

    return _signal


# The case list: 9 queries for a member here (session, user, seats, bell,
# page + total + stall counts in one, rows, their motifs, flags and overdue
# steps in one, cell menu, access log). A ceiling close to it: a query that
# walks the visible cases again (as the stall counts and the cell menu once
# did) fails here.
LIST_QUERIES = 11


def queries_for(client, url, django_assert_max_num_queries, ceiling: int) -> int:
    client.get(url)  # process-wide caches (content types, permissions) filled once
    with django_assert_max_num_queries(ceiling) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured.captured_queries)


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_member_case_list_runs_the_same_queries_for_5_and_30_rows(
    client, signal, member, django_assert_max_num_queries
):
    client.force_login(member)
    counts = []
    done = 0
    for size in SIZES:
        signal(size - done)
        done = size
        counts.append(
            queries_for(client, reverse("situations:index"), django_assert_max_num_queries, LIST_QUERIES)
        )
    assert counts[0] == counts[1], counts


def test_magistrate_case_list_runs_the_same_queries_for_5_and_30_disclosures(
    client, signal, coord, magistrate, w, django_assert_max_num_queries
):
    client.force_login(magistrate)
    counts = []
    done = 0
    for size in SIZES:
        for case in signal(size - done):
            disclosure_create(
                case=case, institution=w["institutions"]["parquet_arras"], reason="Protocole", by=coord
            )
        done = size
        counts.append(
            queries_for(client, reverse("situations:index"), django_assert_max_num_queries, LIST_QUERIES)
        )
    assert counts[0] == counts[1], counts


def _grow_journal(case, coord, total: int) -> None:
    for index in range(total - case.journal.count()):
        journal_log(case=case, actor=coord, kind="other", summary=f"Événement {index}")


# Ceilings just above the counts taken here (case file 26, journal 8, API
# case 14, queue and inbox 9 each), with room for the idle timeout's session
# refresh (BEGIN, UPDATE, COMMIT; not with a token): a walk added fails CI.
@pytest.mark.parametrize(("page", "ceiling"), [("situations:detail", 30), ("situations:journal", 12)])
def test_case_file_and_journal_run_the_same_queries_for_5_and_30_journal_entries(
    client, signal, coord, page, ceiling, django_assert_max_num_queries
):
    (case,) = signal(1)
    client.force_login(coord)
    counts = []
    for size in SIZES:
        _grow_journal(case, coord, size)
        counts.append(
            queries_for(client, reverse(page, args=[case.pk]), django_assert_max_num_queries, ceiling)
        )
    assert counts[0] == counts[1], counts


def test_api_case_detail_runs_the_same_queries_for_5_and_30_journal_entries(
    signal, coord, django_assert_max_num_queries
):
    (case,) = signal(1)
    client = token_client(coord)
    counts = []
    for size in SIZES:
        _grow_journal(case, coord, size)
        counts.append(queries_for(client, f"/api/v1/cases/{case.pk}/", django_assert_max_num_queries, 16))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("page", ["case:queue", "case:inbox"])
def test_task_lists_run_the_same_queries_for_5_and_30_tasks(
    client, signal, coord, page, django_assert_max_num_queries
):
    from workflows.models import CaseTask

    client.force_login(coord)
    counts = []
    done = 0
    for size in SIZES:
        for case in signal(size - done):
            if page == "case:inbox":  # the coordinator takes the examen: it moves to his inbox
                task = CaseTask.objects.get(process__caseprocess__case=case, flow_task_type="HUMAN")
                with task.activation() as activation:
                    activation.assign(coord)
        done = size
        counts.append(queries_for(client, reverse(page), django_assert_max_num_queries, 13))
    assert counts[0] == counts[1], counts


def test_referent_case_list_runs_the_same_queries_for_5_and_30_rows(
    client, signal, coord, w, django_assert_max_num_queries
):
    from permissions import services as access

    referent = make_user(institution=w["institutions"]["prev_spe"])
    sign_charter(referent, w["partnerships"]["arras"])
    client.force_login(referent)
    counts = []
    done = 0
    for size in SIZES:
        for case in signal(size - done):
            access.case_grant_referent(case=case, user=referent)
        done = size
        counts.append(
            queries_for(client, reverse("situations:index"), django_assert_max_num_queries, LIST_QUERIES)
        )
    assert counts[0] == counts[1], counts
