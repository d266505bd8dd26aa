"""The permission matrix, as data: account × kind of case × channel → what is shown.

`F`, `C`, `S` = the case is shown as full / cell_summary / scoped_summary;
`-` = it does not exist for this account (404 on detail, absent from lists
and searches); `403` = the account owes a charter signature (the API answers
403 naming the charter, the UI redirects to the signing page). The cast is
described in conftest.py. The UI detail's representation is read from the
access log row the page writes.
"""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from casework.models import Case, JournalEntry
from permissions.models import AccessLog
from permissions.representations import SECTIONS, case_ids_showing
from permissions.visibility import (
    ID_SETS,
    visible_among,
    visible_case_filter,
    visible_case_filter_per_row,
    visible_case_ids,
    visible_cases,
    with_representation,
)

KINDS = (
    "own_cell",
    "other_cell",
    "other_partnership",
    "shared_parquet",
    "shared_pjj",
    "expired_share",
    "revoked_share",
    "referent_case",
    "pjj_referent_case",
)

# fmt: off
MATRIX = {
    #              own    other  other   shared   shared  expired revoked referent pjj
    #              cell   cell   tenant  parquet  pjj     share   share   case     référent
    "coord_arras": ("F",  "F",   "-",    "F",     "F",    "F",    "F",    "F",     "F"),
    "membre":      ("C",  "-",   "-",    "C",     "-",    "C",    "-",    "-",     "-"),
    "nonsigne":    ("403", "403", "403", "403",   "403",  "403",  "403",  "403",   "403"),
    "referent":    ("C",  "-",   "-",    "C",     "-",    "C",    "-",    "F",     "-"),
    "coord_lens":  ("-",  "-",   "F",    "-",     "-",    "-",    "-",    "-",     "-"),
    "magistrat":   ("-",  "-",   "-",    "S",     "-",    "-",    "-",    "-",     "-"),
    "pjj":         ("-",  "-",   "-",    "-",     "S",    "-",    "-",    "-",     "F"),
    "pjj_sans_siege": ("-", "-", "-",    "-",     "-",    "-",    "-",    "-",     "-"),
    "pjj_exclu":   ("-",  "-",   "-",    "-",     "-",    "-",    "-",    "-",     "-"),
    "prefecture":  ("-",  "-",   "-",    "-",     "-",    "-",    "-",    "-",     "-"),
    "superuser":   ("-",  "-",   "-",    "-",     "-",    "-",    "-",    "-",     "-"),
    "admin":       ("-",  "-",   "-",    "-",     "-",    "-",    "-",    "-",     "-"),
}
# fmt: on

CODES = {"F": "full", "C": "cell_summary", "S": "scoped_summary"}
CHANNELS = ("ui_detail", "api_detail", "api_list", "search")
API_CHANNELS = CHANNELS[1:]


def api_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def observe_ui_detail(client, user, case) -> str:
    response = client.get(reverse("situations:detail", args=[case.pk]))
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("permissions:charter_sign"))
        return "403"
    if response.status_code == 404:
        return "-"
    assert response.status_code == 200
    row = AccessLog.objects.filter(user=user, case=case, channel="ui_detail").latest("id")
    return {v: k for k, v in CODES.items()}[row.representation]


def observe(client, case, channel) -> str:
    """What `client` gets for `case` on `channel`, in the matrix's codes."""
    if channel == "api_detail":
        response = client.get(f"/api/v1/cases/{case.pk}/")
        if response.status_code in (403, 404):
            return str(response.status_code).replace("404", "-")
        assert response.status_code == 200
        rows = [response.json()]
    else:
        params = {"search": case.youth.last_name} if channel == "search" else {"page_size": 100}
        response = client.get("/api/v1/cases/", params)
        if response.status_code == 403:
            return "403"
        assert response.status_code == 200
        rows = [row for row in response.json()["results"] if row["reference"] == case.reference]
        if channel == "search":
            # A search never returns a case the user may not see.
            assert len(response.json()["results"]) == len(rows)
    if not rows:
        return "-"
    [row] = rows
    assert row["id"] == case.pk
    return {v: k for k, v in CODES.items()}[row["representation"]]


@pytest.mark.parametrize("account", MATRIX)
def test_permission_matrix(cast, account):
    user = cast.users[account]
    client, browser = api_client(user), Client()
    browser.force_login(user)
    observed = {}
    for kind in KINDS:
        observed[kind, "ui_detail"] = observe_ui_detail(browser, user, cast.cases[kind])
        for channel in API_CHANNELS:
            observed[kind, channel] = observe(client, cast.cases[kind], channel)
    expected = {
        (kind, channel): code
        for kind, code in zip(KINDS, MATRIX[account], strict=True)
        for channel in CHANNELS
    }
    assert observed == expected


@pytest.mark.parametrize("account", ["coord_arras", "magistrat", "referent"])
def test_every_displayed_case_is_logged_with_its_channel(cast, account):
    user = cast.users[account]
    client = api_client(user)
    for kind in KINDS:
        for channel in API_CHANNELS:
            observe(client, cast.cases[kind], channel)
    shown = {kind for kind, code in zip(KINDS, MATRIX[account], strict=True) if code in CODES}
    logged = AccessLog.objects.filter(user=user)
    for kind in shown:
        case = cast.cases[kind]
        rows = logged.filter(case=case)
        assert set(rows.values_list("channel", flat=True)) == set(API_CHANNELS)
        assert set(rows.values_list("representation", flat=True)) == {
            CODES[MATRIX[account][KINDS.index(kind)]]
        }
    assert not logged.exclude(case__in=[cast.cases[k] for k in shown]).exists()


@pytest.mark.parametrize("account", MATRIX)
def test_visible_ids_are_the_cases_with_a_representation(cast, account):
    """`visible_case_ids` (the lists' filter) agrees with the representation
    rule, for each set of representations it selects; `case_ids_showing` is
    exactly the cases whose representation shows the section."""
    user = cast.users[account]
    cases = Case.objects.filter(pk__in=[case.pk for case in cast.cases.values()])
    shown = dict(with_representation(cases, user).values_list("pk", "representation"))
    ids = set(cases.filter(pk__in=visible_case_ids(user)).values_list("pk", flat=True))
    assert ids == {pk for pk, representation in shown.items() if representation}
    for representations in ID_SETS:
        selected = cases.filter(pk__in=visible_case_ids(user, representations=representations))
        assert set(selected.values_list("pk", flat=True)) == {
            pk for pk, representation in shown.items() if representation in representations
        }, sorted(representations)
    with_overdue = {
        pk for pk, representation in shown.items() if representation and "overdue" in SECTIONS[representation]
    }
    assert (
        set(cases.filter(pk__in=case_ids_showing(user, "overdue")).values_list("pk", flat=True))
        == with_overdue
    )


@pytest.mark.parametrize("account", MATRIX)
def test_visible_among_is_visible_cases_on_the_same_rows(cast, account):
    """The list's rows (`visible_among`, decided by the representation alone)
    are exactly what `visible_cases` gives on the same ids, in the same
    representations (archived and purged cases included in the ids)."""
    user = cast.users[account]
    ids = [case.pk for case in cast.cases.values()]
    archived = cast.cases["own_cell"]
    Case.objects.filter(pk=archived.pk).update(status=Case.Status.ARCHIVE)
    expected = dict(visible_cases(user, Case.objects.filter(pk__in=ids)).values_list("pk", "representation"))
    among = {case.pk: case.representation for case in visible_among(user, Case.objects.filter(pk__in=ids))}
    assert among == expected
    assert archived.pk not in among


@pytest.mark.parametrize("account", MATRIX)
def test_the_per_row_filter_selects_the_rows_of_the_set_filter(cast, account):
    """`visible_case_filter_per_row` (the task queue's and inbox's filter,
    decided on each row) selects the same rows as `visible_case_filter`, for
    every set of representations, archived cases left out by both."""
    user = cast.users[account]
    archived = cast.cases["own_cell"]
    Case.objects.filter(pk=archived.pk).update(status=Case.Status.ARCHIVE)
    entries = JournalEntry.objects.filter(case__in=list(cast.cases.values()))
    assert entries.filter(case=archived).exists()
    for representations in ID_SETS:
        by_set = set(
            entries.filter(visible_case_filter(user, "case", representations=representations)).values_list(
                "pk", flat=True
            )
        )
        per_row = set(
            entries.filter(
                visible_case_filter_per_row(user, "case", representations=representations)
            ).values_list("pk", flat=True)
        )
        assert per_row == by_set, sorted(representations)
        assert not entries.filter(case=archived, pk__in=per_row).exists()
