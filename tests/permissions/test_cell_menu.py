"""The lists' cell filter names the cells of the user's signed seats and of
their individually granted cases, nothing else (permissions.representations)."""

import pytest
from django.urls import reverse

from casework.demo import JUSTICE_CELL
from casework.models import Case, Membership
from permissions.disclosures import disclosure_create
from permissions.representations import cells_showing_cases
from permissions.services import case_grant_referent, user_sync_groups
from permissions.visibility import visible_cases
from tests.factories import make_case, make_coordinator, make_member, make_user


def names(user) -> list[str]:
    return [cell.name for cell in cells_showing_cases(user)]


@pytest.fixture
def cells(w):
    return w["cells"]["Arras – centre"], w["cells"]["Arras – quartiers ouest"], w["cells"]["Lens-Liévin"]


def test_a_member_sees_their_own_cell_only(w, cells):
    centre, ouest, lens = cells
    for cell in cells:
        make_case(cell)
    member = make_member(centre, institution=w["institutions"]["college"])
    assert names(member) == ["Arras – centre"]


def test_a_coordinator_sees_every_cell_of_their_partnership(w, cells):
    make_case(cells[2])
    coordinator = make_coordinator(w["partnerships"]["arras"], institution=w["institutions"]["mairie_arras"])
    assert names(coordinator) == ["Arras – centre", "Arras – quartiers ouest"]


def test_an_unsigned_member_sees_no_cell(w, cells):
    make_case(cells[0])
    member = make_member(cells[0], institution=w["institutions"]["college"], signed=False)
    assert names(member) == []


def test_a_referent_sees_the_cell_of_their_case_outside_their_seat(w, cells):
    centre, _, lens = cells
    referent = make_member(centre, institution=w["institutions"]["college"])
    followed = make_case(lens)
    case_grant_referent(case=followed, user=referent)
    assert names(referent) == ["Arras – centre", "Lens-Liévin"]
    Case.objects.filter(pk=followed.pk).update(status=Case.Status.ARCHIVE)
    assert names(referent) == ["Arras – centre"]  # an archived case names no cell


def test_a_scoped_summary_reader_sees_no_cell(w, cells, coord, magistrate):
    case = make_case(cells[0])
    disclosure_create(case=case, institution=w["institutions"]["parquet_arras"], reason="Suivi", by=coord)
    assert visible_cases(magistrate).filter(pk=case.pk).exists()
    assert names(magistrate) == [JUSTICE_CELL]  # their own seat's group, never the case's cell


def test_a_member_who_leaves_loses_the_cell(w, cells):
    member = make_member(cells[0], institution=w["institutions"]["college"])
    Membership.objects.filter(user=member).update(ended_on="2020-01-01", started_on="2019-01-01")
    user_sync_groups(user=member)
    assert names(member) == []


def test_anonymous_and_inactive_users_see_no_cell(w, cells):
    from django.contrib.auth.models import AnonymousUser

    member = make_member(cells[0], institution=w["institutions"]["college"])
    member.is_active = False
    assert names(member) == [] and names(AnonymousUser()) == []


def test_every_cell_of_a_readable_case_is_in_the_menu(w, cells, coord):
    """The menu covers the cells of every case the user reads with its cell."""
    centre, ouest, lens = cells
    for cell in cells:
        make_case(cell)
    referent = make_member(ouest, institution=w["institutions"]["college"])
    case_grant_referent(case=make_case(lens), user=referent)
    outsider = make_user(institution=w["institutions"]["college"])
    for user in (coord, referent, outsider):
        read = set(
            visible_cases(user)
            .filter(representation__in=["full", "cell_summary"])
            .values_list("cell__name", flat=True)
        )
        assert read <= set(names(user)), user


def test_the_list_page_offers_the_menu(client, w, cells):
    member = make_member(cells[0], institution=w["institutions"]["college"])
    client.force_login(member)
    response = client.get(reverse("situations:index"))
    assert [cell.name for cell in response.context["cells"]] == ["Arras – centre"]
    assert "Lens-Liévin" not in response.content.decode()
