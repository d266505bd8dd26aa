"""The coordinator's séance pages over HTTP: plan, build the agenda, invite, decide."""

import pytest
from django.urls import reverse

from casework.models import Case
from casework.services.errors import ServiceError
from meetings import services
from meetings.models import AgendaItem, Seance
from permissions.models import AccessLog
from tests.meetings.conftest import DAY, TODAY


def test_a_coordinator_plans_a_seance(client, coord, cell):
    client.force_login(coord)
    assert client.get(reverse("seances:create")).status_code == 200
    response = client.post(
        reverse("seances:create"),
        {"cell": cell.pk, "day": (TODAY + 7 * DAY).isoformat(), "at": "14:30", "place": "Mairie, salle 2"},
    )
    seance = Seance.objects.get()
    assert response.status_code == 302 and response.url == reverse("seances:detail", args=[seance.pk])
    assert seance.cell == cell and seance.created_by == coord and seance.place == "Mairie, salle 2"


def test_a_member_cannot_plan_or_open_seances(client, member, plan):
    seance = plan()
    client.force_login(member)
    assert client.get(reverse("seances:create")).status_code == 404
    assert client.get(reverse("seances:detail", args=[seance.pk])).status_code == 404
    assert client.post(reverse("seances:propose", args=[seance.pk])).status_code == 404


def test_the_agenda_builder_shows_proposals_and_adds_them(client, coord, plan, signal):
    case = signal(last_name="Propose")
    seance = plan()
    client.force_login(coord)
    page = client.get(reverse("seances:detail", args=[seance.pk])).content.decode()
    assert case.reference in page and "Signalement en attente d&#x27;examen" in page
    client.post(reverse("seances:item-add", args=[seance.pk]), {"case": case.pk, "kind": "examen"})
    assert seance.items.get().case == case


def test_the_agenda_builder_logs_the_cases_it_shows(client, coord, plan, signal):
    on_agenda, proposed = signal(), signal()
    seance = plan()
    services.agenda_item_add(seance=seance, case=on_agenda, by=coord)
    client.force_login(coord)
    client.get(reverse("seances:detail", args=[seance.pk]))
    assert set(AccessLog.objects.filter(user=coord).values_list("case_reference", "channel")) == {
        (on_agenda.reference, "ui_list"),
        (proposed.reference, "ui_list"),
    }


def test_a_case_is_added_by_its_reference(client, coord, plan, signal):
    case = signal()
    seance = plan()
    client.force_login(coord)
    client.post(reverse("seances:item-add", args=[seance.pk]), {"reference": case.reference.lower()})
    assert seance.items.get().case == case


def test_a_case_of_another_partnership_is_404(client, coord, outsider, plan, signal, w):
    lens_case = signal(in_cell=w["cells"]["Lens-Liévin"])
    seance = plan()
    client.force_login(coord)
    response = client.post(reverse("seances:item-add", args=[seance.pk]), {"case": lens_case.pk})
    assert response.status_code == 404 and not seance.items.exists()


def test_inviting_an_unsigned_member_shows_the_charter_message(client, coord, plan, unsigned):
    seance = plan()
    client.force_login(coord)
    response = client.post(reverse("seances:invite", args=[seance.pk]), {"users": [unsigned.pk]}, follow=True)
    assert "n&#x27;a pas signé la charte de confidentialité en vigueur" in response.content.decode()
    assert not seance.attendances.exists()


def test_attendance_and_decision_over_http(client, coord, member, plan, signal):
    case = signal()
    seance = plan()
    services.agenda_item_add(seance=seance, case=case, by=coord)
    client.force_login(coord)
    client.post(reverse("seances:invite", args=[seance.pk]), {"users": [member.pk]})
    client.post(reverse("seances:attendance", args=[seance.pk]), {f"present_{member.pk}": "1"})
    assert seance.attendances.get().present is True
    item = seance.items.get()
    url = reverse("seances:item-decide", args=[seance.pk, item.pk])
    assert "Date de la décision" not in client.get(url).content.decode()  # dated by the séance
    assert AccessLog.objects.filter(user=coord, case=case, channel="ui_detail").exists()

    refused = client.post(url, {"kind": "orientation"})
    assert refused.status_code == 400 and "Choisissez au moins une orientation" in refused.content.decode()

    response = client.post(url, {"kind": "orientation", "orientations": ["cddf"]})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.DECIDED
    assert Case.objects.get(pk=case.pk).status == Case.Status.ORIENTE


def test_postpone_and_close_over_http(client, held, coord, signal):
    seance = held(signal())
    item = seance.items.get()
    client.force_login(coord)
    client.post(reverse("seances:item-postpone", args=[seance.pk, item.pk]))
    response = client.post(reverse("seances:close", args=[seance.pk]))
    assert response.url == reverse("seances:releve", args=[seance.pk])
    seance.refresh_from_db()
    assert seance.status == Seance.Status.CLOSED


def test_the_list_shows_managed_and_attended_seances(client, held, coord, member, signal):
    seance = held(signal())
    client.force_login(coord)
    assert (
        reverse("seances:detail", args=[seance.pk]) in client.get(reverse("seances:index")).content.decode()
    )
    client.force_login(member)
    page = client.get(reverse("seances:index")).content.decode()
    assert reverse("seances:releve", args=[seance.pk]) in page
    assert f'href="{reverse("seances:detail", args=[seance.pk])}"' not in page


def test_the_need_to_know_switch_is_for_coordinators(client, coord, member, cell):
    client.force_login(member)
    assert client.post(reverse("seances:need-to-know", args=[cell.pk]), {"strict": "1"}).status_code == 404
    client.force_login(coord)
    client.post(reverse("seances:need-to-know", args=[cell.pk]), {"strict": "1"})
    cell.refresh_from_db()
    assert cell.strict_need_to_know


def test_a_coordinator_moves_a_planned_seance_keeping_agenda_and_invitations(
    client, coord, member, plan, signal
):
    case = signal(last_name="Deplacee")
    seance = plan(TODAY + 7 * DAY)
    services.agenda_item_add(seance=seance, case=case, by=coord)
    services.seance_invite(seance=seance, users=[member], by=coord)
    client.force_login(coord)
    url = reverse("seances:reschedule", args=[seance.pk])
    assert (
        "Changer la date ou le lieu"
        in client.get(reverse("seances:detail", args=[seance.pk])).content.decode()
    )
    form = client.get(url).content.decode()
    assert (TODAY + 7 * DAY).isoformat() in form and "Mairie d&#x27;Arras, salle 2" in form  # current values

    new_day = (TODAY + 14 * DAY).isoformat()
    response = client.post(url, {"day": new_day, "at": "09:30", "place": "Centre social, salle 1"})
    assert response.status_code == 302 and response.url == reverse("seances:detail", args=[seance.pk])
    seance.refresh_from_db()
    assert seance.date.isoformat() == new_day and seance.place == "Centre social, salle 1"
    assert seance.items.count() == 1 and seance.attendances.filter(invited=True).count() == 1


def test_moving_a_seance_refuses_a_past_date_or_an_empty_place_keeping_the_input(client, coord, plan):
    seance = plan(TODAY + 7 * DAY)
    client.force_login(coord)
    url = reverse("seances:reschedule", args=[seance.pk])
    past = client.post(url, {"day": (TODAY - 2 * DAY).isoformat(), "at": "09:30", "place": "Salle 3"})
    assert past.status_code == 400
    assert "La nouvelle date est déjà passée" in past.content.decode() and "Salle 3" in past.content.decode()
    blank = client.post(url, {"day": (TODAY + 9 * DAY).isoformat(), "at": "09:30", "place": "   "})
    assert blank.status_code == 400
    seance.refresh_from_db()
    assert seance.date == TODAY + 7 * DAY


def test_a_held_seance_cannot_be_moved_and_members_cannot_move_any(client, coord, member, held, plan):
    seance = held()
    client.force_login(coord)
    response = client.get(reverse("seances:reschedule", args=[seance.pk]), follow=True)
    assert "La séance a commencé" in response.content.decode()
    with pytest.raises(ServiceError, match="La séance a commencé"):
        services.seance_reschedule(seance=seance, starts_at=seance.starts_at, place="Ailleurs", by=coord)
    other = plan(TODAY + 7 * DAY)
    client.force_login(member)
    assert client.get(reverse("seances:reschedule", args=[other.pk])).status_code == 404
    with pytest.raises(ServiceError, match="Seul un coordonnateur"):
        services.seance_reschedule(seance=other, starts_at=other.starts_at, place="Ailleurs", by=member)


def test_a_coordinator_cancels_a_planned_seance_and_its_items_go_to_the_next(
    client, coord, member, plan, signal
):
    case = signal(last_name="Annulee")
    seance = plan(TODAY + 7 * DAY)
    following = plan(TODAY + 21 * DAY)
    services.agenda_item_add(seance=seance, case=case, by=coord)
    services.seance_invite(seance=seance, users=[member], by=coord)
    client.force_login(coord)
    url = reverse("seances:cancel", args=[seance.pk])
    page = client.get(url).content.decode()
    assert "1 point de l'ordre du jour sera reporté" in page and following.label_date in page
    assert "1 personne convoquée" in page

    response = client.post(url)
    assert response.status_code == 302 and response.url == reverse("seances:index")
    seance.refresh_from_db()
    assert seance.status == Seance.Status.CANCELED and seance.canceled_at is not None
    item = seance.items.get()
    assert item.status == AgendaItem.Status.POSTPONED and item.postponed_to == following
    assert case.journal.filter(summary__contains="annulée").exists()
    # Nothing changes on a canceled séance, and it has no relevé.
    with pytest.raises(ServiceError, match="annulée"):
        services.agenda_item_add(seance=seance, case=signal(last_name="Autre"), by=coord)
    assert client.get(reverse("seances:releve", args=[seance.pk])).status_code == 404
    detail = client.get(reverse("seances:detail", args=[seance.pk])).content.decode()
    assert "Annulée" in detail and "Annuler la séance" not in detail and "Clore la séance" not in detail


def test_a_held_seance_cannot_be_canceled(client, coord, held):
    seance = held()
    client.force_login(coord)
    assert (
        "La séance a commencé"
        in client.post(reverse("seances:cancel", args=[seance.pk]), follow=True).content.decode()
    )
    seance.refresh_from_db()
    assert seance.status == Seance.Status.HELD
