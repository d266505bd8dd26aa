"""One signal per lateness: a stall flag covers the overdue step of its rule
(notifications.lateness), on the case list and on the case file."""

from django.urls import reverse

from casework.models import PendingStep
from notifications.lateness import late_items
from notifications.models import StallFlag, StallLevel
from notifications.services import stalls_scan
from permissions.disclosures import disclosure_create
from tests.factories import make_disclosure_reader
from tests.notifications.conftest import at, days


def overdue_step(case, step: str, due_on) -> PendingStep:
    return PendingStep.objects.create(
        case=case, step=step, due_on=due_on, opened_on=days(0), overdue_on=due_on
    )


def test_a_flag_covers_the_overdue_step_of_its_rule_only():
    flag = StallFlag(rule="examen", since=days(30), level=StallLevel.ALERTE)
    items = late_items([(PendingStep.Step.RAPPEL, days(20)), (PendingStep.Step.EXAMEN, days(30))], [flag])
    assert [(item.label, item.since) for item in items] == [
        ("bloqué : signalement non examiné", days(30)),
        ("en retard : rappel à l'ordre", days(20)),
    ]
    assert items[0].title == f"Depuis le {days(30):%d/%m/%Y} – Alerte au coordonnateur"
    # Without the flag, the overdue examen shows by itself.
    assert [item.label for item in late_items([(PendingStep.Step.EXAMEN, days(30))], [])] == [
        "en retard : examen en cellule"
    ]


def test_the_list_and_the_file_show_a_late_examen_once(client, case, coord):
    overdue_step(case, PendingStep.Step.EXAMEN, days(30))
    overdue_step(case, PendingStep.Step.CDDF, days(28))  # no stall rule watches the CDDF
    stalls_scan(now=at(days(30)))
    client.force_login(coord)

    body = client.get(reverse("situations:index")).content.decode()
    assert body.count("bloqué : signalement non examiné") == 1
    assert "en retard : examen en cellule" not in body
    assert "en retard : conseil des droits et devoirs des familles" in body

    body = client.get(reverse("situations:detail", args=[case.pk])).content.decode()
    assert "Bloqué : signalement non examiné – depuis le" in body
    assert "En retard : conseil des droits et devoirs des familles" in body
    assert "En retard : examen en cellule" not in body
    assert "2 retards ou blocages" in body  # the badge next to the status


def test_a_scoped_summary_reader_sees_no_lateness(client, case, coord, w):
    overdue_step(case, PendingStep.Step.CDDF, days(28))
    stalls_scan(now=at(days(30)))
    disclosure_create(case=case, institution=w["institutions"]["parquet_arras"], reason="Suivi", by=coord)
    magistrate = make_disclosure_reader(
        w["partnerships"]["arras"], institution=w["institutions"]["parquet_arras"]
    )
    client.force_login(magistrate)
    for url in (reverse("situations:index"), reverse("situations:detail", args=[case.pk])):
        body = client.get(url).content.decode()
        assert "en retard :" not in body.lower() and "bloqué :" not in body.lower()
        assert "retards ou blocages</span>" not in body
