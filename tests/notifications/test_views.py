"""Notification list, bell, open, mark as read, preferences, dashboard, rule delays."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.models import Case, StepDeadline
from notifications.models import EmailMode, Notification, NotificationPreference, StallFlag
from notifications.selectors import unread_count
from notifications.services import stalls_scan
from tests.factories import make_case, make_coordinator, make_member, make_user
from tests.notifications.conftest import at, days


@pytest.fixture
def stalled(case, coord):
    stalls_scan(now=at(days(30)))
    return case


def test_the_list_shows_references_and_the_unread_count(client, stalled, coord):
    client.force_login(coord)
    response = client.get(reverse("relances:index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"Relance – {stalled.reference} : signalement non examiné" in body
    assert response.context["notifications_unread"] == 1
    assert 'aria-label="Notifications : 1 non lue"' in body
    assert "Dubreuil" not in body


def test_the_list_query_count_does_not_grow_with_rows(client, centre, coord, django_assert_max_num_queries):
    make_case(centre, signaled_on=days(0))
    stalls_scan(now=at(days(30)))
    client.force_login(coord)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("relances:index"))
    for _ in range(12):
        make_case(centre, signaled_on=days(0))
    stalls_scan(now=at(days(30)))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("relances:index"))
    assert len(response.context["page"]) == 13


def test_opening_marks_read_and_answers_404_to_others(client, stalled, coord, w):
    notification = Notification.objects.get()
    other = make_coordinator(stalled.partnership, institution=w["institutions"]["mairie_arras"])
    client.force_login(other)
    assert client.get(reverse("relances:open", args=[notification.pk])).status_code == 404

    client.force_login(coord)
    response = client.get(reverse("relances:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("situations:detail", args=[stalled.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_all_read(client, stalled, coord):
    client.force_login(coord)
    response = client.post(reverse("relances:mark_read"), follow=True)
    assert "1 notification marquée comme lue." in response.content.decode()
    assert not Notification.objects.unread().exists()
    assert client.get(reverse("relances:mark_read")).status_code == 405


def test_mark_all_read_counts_only_what_the_user_sees(client, stalled, centre, coord):
    other = make_case(centre, signaled_on=days(1))
    stalls_scan(now=at(days(31)))
    Case.objects.filter(pk=other.pk).update(status=Case.Status.ARCHIVE)  # out of everyone's scope
    client.force_login(coord)
    response = client.post(reverse("relances:mark_read"), follow=True)
    assert "1 notification marquée comme lue." in response.content.decode()


def test_preferences_switch_to_daily_digest(client, coord):
    client.force_login(coord)
    assert client.get(reverse("relances:preferences")).status_code == 200
    response = client.post(reverse("relances:preferences"), {"email_mode": "daily"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=coord).email_mode == EmailMode.DAILY


def test_dashboard_counts_per_reason_and_sorts(client, stalled, centre, coord, django_assert_max_num_queries):
    client.force_login(coord)
    stalls_scan(now=at(days(400)))
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("relances:dashboard"), {"tri": "reference"})
    for _ in range(5):
        make_case(centre, signaled_on=days(0))
    stalls_scan(now=at(days(400)))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("relances:dashboard"), {"tri": "reference"})
    body = response.content.decode()
    assert '<span data-rule="examen">6</span>' in body
    assert '<span data-rule="case_review">6</span>' in body
    references = [flag.case.reference for flag in response.context["page"]]
    assert references == sorted(references)

    response = client.get(reverse("relances:dashboard"), {"motif": "examen", "tri": "-reference"})
    references = [flag.case.reference for flag in response.context["page"]]
    assert len(references) == 6 and references == sorted(references, reverse=True)


def test_dashboard_shows_only_visible_cases(client, stalled, w):
    stranger = make_coordinator(w["partnerships"]["lens"], institution=w["institutions"]["mairie_lens"])
    unsigned = make_member(
        w["cells"]["Arras – centre"], institution=w["institutions"]["mission_locale"], signed=False
    )
    for user in (stranger, make_user()):
        client.force_login(user)
        response = client.get(reverse("relances:dashboard"))
        assert stalled.reference not in response.content.decode()
        assert response.context["total"] == 0
    client.force_login(unsigned)  # the charter gate answers first: off to the signing page
    assert client.get(reverse("relances:dashboard"))["Location"].startswith(
        reverse("permissions:charter_sign")
    )


def test_coordinators_override_the_delays(client, arras, coord):
    client.force_login(coord)
    assert client.get(reverse("relances:rules")).status_code == 200
    response = client.post(
        reverse("relances:rules"),
        {"partenariat": arras.pk, "examen__deadline": "20", "examen__alerte": "5", "examen__seance": ""},
    )
    assert response.status_code == 302
    assert dict(StepDeadline.objects.filter(partnership=arras).values_list("step", "days")) == {
        "examen": 20,
        "examen.alerte": 5,
    }


def test_an_alert_after_the_seance_is_refused_with_a_message(client, arras, coord):
    client.force_login(coord)
    response = client.post(
        reverse("relances:rules"),
        {"partenariat": arras.pk, "examen__alerte": "40", "examen__seance": "30"},
    )
    assert response.status_code == 400
    assert "l&#x27;inscription en séance doit venir après l&#x27;alerte" in response.content.decode()
    assert not StepDeadline.objects.exists()


def test_rule_delays_are_for_coordinators_only(client, w, arras, coord):
    member = make_member(w["cells"]["Arras – centre"], institution=w["institutions"]["college"])
    client.force_login(member)
    assert client.get(reverse("relances:rules")).status_code == 403
    lens_coord = make_coordinator(w["partnerships"]["lens"], institution=w["institutions"]["mairie_lens"])
    client.force_login(lens_coord)
    assert client.get(reverse("relances:rules"), {"partenariat": arras.pk}).status_code == 404
    for odd in ("abc", "²"):  # a hand-edited address: 404, not 500
        assert client.get(reverse("relances:rules"), {"partenariat": odd}).status_code == 404


def test_pages_require_login(client):
    for name in ("index", "preferences", "dashboard", "rules"):
        response = client.get(reverse(f"relances:{name}"))
        assert response.status_code == 302 and "/connexion/" in response["Location"]
    assert not StallFlag.objects.exists()


def test_the_bell_stops_counting_at_99(client, stalled, coord):
    flag = StallFlag.objects.get(case=stalled)
    Notification.objects.bulk_create(
        Notification(recipient=coord, case=stalled, flag=flag, level=level) for level in range(10, 110)
    )
    client.force_login(coord)
    body = client.get(reverse("relances:index")).content.decode()
    assert 'aria-label="Notifications : plus de 99 non lues"' in body
    assert '<span data-testid="unread-count"' in body and ">99+</span>" in body


def test_the_bell_leaves_out_cases_the_user_no_longer_sees(client, stalled, coord):
    # The notification stays unread, but its case is archived: out of everyone's scope.
    Case.objects.filter(pk=stalled.pk).update(status=Case.Status.ARCHIVE)
    assert Notification.objects.filter(recipient=coord).unread().count() == 1
    client.force_login(coord)
    response = client.get(reverse("relances:preferences"))
    assert response.context["notifications_unread"] == 0
    body = response.content.decode()
    assert 'aria-label="Notifications : 0 non lue"' in body
    assert 'data-testid="unread-count"' not in body


def test_with_nothing_unread_the_bell_does_not_read_the_grants(stalled, coord):
    Notification.objects.update(read_at=at(days(31)))
    with CaptureQueriesContext(connection) as nothing_unread:
        assert unread_count(coord, cap=99) == 0
    assert len(nothing_unread) == 1
    assert "permission" not in nothing_unread[0]["sql"]

    Notification.objects.update(read_at=None)
    with CaptureQueriesContext(connection) as some_unread:
        assert unread_count(coord, cap=99) == 1
    assert len(some_unread) == 2
    assert "permission" in some_unread[1]["sql"]
