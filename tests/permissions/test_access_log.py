"""The access log writer: one row per displayed case, append-only."""

import pytest
from django.db import DatabaseError, connection

from casework.models import Membership
from permissions.access_log import log_access
from permissions.models import AccessLog, CharterSignature
from permissions.visibility import visible_cases
from tests.factories import make_case, make_coordinator, make_member, world


@pytest.fixture
def coord_and_cases():
    w = world()
    coord = make_coordinator(w["partnerships"]["arras"], institution=w["institutions"]["mairie_arras"])
    cases = [make_case(w["cells"]["Arras – centre"]) for _ in range(3)]
    return coord, cases


def test_a_list_is_logged_in_one_query(coord_and_cases, django_assert_num_queries):
    coord, _ = coord_and_cases
    shown = list(visible_cases(coord))
    with django_assert_num_queries(1):
        log_access(user=coord, cases=shown, channel=AccessLog.Channel.UI_LIST)
    assert sorted(AccessLog.objects.values_list("case_reference", "representation", "channel")) == sorted(
        (c.reference, "full", "ui_list") for c in shown
    )


def test_a_case_without_representation_cannot_be_logged(coord_and_cases):
    coord, cases = coord_and_cases
    with pytest.raises(ValueError, match="visible_cases"):
        log_access(user=coord, cases=cases[0], channel=AccessLog.Channel.UI_DETAIL)


def test_the_log_is_append_only(coord_and_cases):
    coord, _ = coord_and_cases
    assert log_access(user=coord, cases=visible_cases(coord)[:1], channel="api_detail") == 1
    [row] = AccessLog.objects.all()
    with pytest.raises(NotImplementedError):
        row.save()
    with pytest.raises(NotImplementedError):
        AccessLog.objects.all().update(channel="x")
    with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE permissions_accesslog SET channel = 'export'")


def test_deleting_an_account_keeps_its_log_rows_anonymised(coord_and_cases):
    w = world()
    member = make_member(w["cells"]["Arras – centre"], institution=w["institutions"]["college"])
    log_access(user=member, cases=visible_cases(member), channel="ui_list")
    Membership.objects.filter(user=member).delete()
    CharterSignature.objects.filter(user=member).delete()
    member.delete()
    assert AccessLog.objects.filter(user__isnull=True).count() == 3
