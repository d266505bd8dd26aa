"""Relevé de décisions: content (page and PDF), who may read it, access log."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from meetings import services
from meetings.releve import CONFIDENTIAL_LINES, releve_rows
from permissions.disclosures import disclosure_create
from permissions.models import AccessLog
from permissions.representations import policy_for
from permissions.visibility import Representation, representation_for
from tests.factories import make_coordinator, make_disclosure_reader
from tests.meetings.conftest import DAY, TODAY

ORIENT = {
    "kind": "orientation",
    "orientations": ["rappel_ordre"],
    "classement_reason": "",
    "pilot_institution": None,
}
CELL_SUMMARY = policy_for(Representation.CELL_SUMMARY)


@pytest.fixture
def decided(plan, coord, member, member2, signal):
    """A held séance: `member` present, `member2` invited but absent; two items, one decided, one postponed."""
    decided_case = signal(last_name="Dupont")
    postponed_case = signal(last_name="Durand")
    seance = plan()
    for case in (decided_case, postponed_case):
        services.agenda_item_add(seance=seance, case=case, by=coord)
    services.seance_invite(seance=seance, users=[member, member2], by=coord)
    services.attendance_record(seance=seance, user=member, present=True, by=coord)
    services.attendance_record(seance=seance, user=member2, present=False, by=coord)
    services.agenda_item_decide(item=seance.items.get(case=decided_case), data=ORIENT, by=coord)
    services.agenda_item_postpone(item=seance.items.get(case=postponed_case), by=coord)
    return seance, decided_case, postponed_case


def pdf_text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)


def test_the_pdf_lists_decisions_with_the_cell_summary_only(client, decided, member):
    seance, case, postponed = decided
    client.force_login(member)
    response = client.get(reverse("seances:releve-pdf", args=[seance.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store, private"
    text = pdf_text(response)
    assert case.reference in text and postponed.reference in text
    assert "Orientation : Rappel à l'ordre" in text
    assert "Reporté à la prochaine séance" in text
    assert "DUPONT Léo" in text
    # The birth date is part of the "identity" section: shown only if the cell summary shows it.
    assert ("14/03/2010" in text) == ("identity" in CELL_SUMMARY)
    # Sections the cell summary does not show never reach the relevé.
    assert "source" not in CELL_SUMMARY and "ADSEA" not in text
    assert "Marie Membre (Collège Jean-Moulin (Arras))" in text  # attendees: institutions, not cases


def test_each_copy_is_marked_with_its_reader_and_date(client, decided, member):
    seance, _, _ = decided
    client.force_login(member)
    response = client.get(reverse("seances:releve-pdf", args=[seance.pk]))
    mark = f"Exemplaire de Marie Membre – édité le {TODAY:%d/%m/%Y}"
    for page in PdfReader(BytesIO(response.content)).pages:
        text = page.extract_text()
        assert text.count(mark) == 2  # across the page and in the footer
        assert all(line in text for line in CONFIDENTIAL_LINES)
    page = client.get(reverse("seances:releve", args=[seance.pk])).content.decode()
    assert f"Exemplaire de Marie Membre – édité le {TODAY:%d/%m/%Y}" in page


def test_every_display_and_print_is_access_logged(client, decided, member):
    seance, case, postponed = decided
    client.force_login(member)
    client.get(reverse("seances:releve", args=[seance.pk]))
    client.get(reverse("seances:releve-pdf", args=[seance.pk]))
    logged = set(
        AccessLog.objects.filter(user=member).values_list("case_reference", "channel", "representation")
    )
    assert logged == {
        (case.reference, "ui_detail", "cell_summary"),
        (postponed.reference, "ui_detail", "cell_summary"),
        (case.reference, "print", "cell_summary"),
        (postponed.reference, "print", "cell_summary"),
    }


@pytest.mark.parametrize("reader", ["coord", "member"])
@pytest.mark.parametrize("view", ["seances:releve", "seances:releve-pdf"])
def test_the_coordinator_and_attendees_read_the_releve(client, decided, request, reader, view):
    seance, _, _ = decided
    client.force_login(request.getfixturevalue(reader))
    assert client.get(reverse(view, args=[seance.pk])).status_code == 200


@pytest.mark.parametrize("reader", ["member2", "unsigned", "west_member", "outsider"])
@pytest.mark.parametrize("view", ["seances:releve", "seances:releve-pdf"])
def test_anyone_else_gets_404(client, decided, request, reader, view):
    """Invited but absent, member of the cell not invited, other cell, other partnership."""
    seance, _, _ = decided
    client.force_login(request.getfixturevalue(reader))
    response = client.get(reverse(view, args=[seance.pk]))
    if reader == "unsigned":  # the charter gate answers first: off to the signing page
        assert response["Location"].startswith(reverse("permissions:charter_sign"))
    else:
        assert response.status_code == 404
    assert not AccessLog.objects.exists()


def test_a_planned_seance_has_no_releve(client, plan, coord):
    seance = plan(TODAY + DAY)
    client.force_login(coord)
    assert client.get(reverse("seances:releve", args=[seance.pk])).status_code == 404


def test_a_coordinator_of_another_partnership_gets_404_even_with_the_same_role(client, decided, w):
    seance, _, _ = decided
    other = make_coordinator(w["partnerships"]["lens"], institution=w["institutions"]["mairie_lens"])
    client.force_login(other)
    assert client.get(reverse("seances:detail", args=[seance.pk])).status_code == 404


def test_the_releve_page_query_count_does_not_grow_with_items(
    client, plan, coord, member, signal, django_assert_max_num_queries
):
    seance = plan()
    services.seance_invite(seance=seance, users=[member], by=coord)
    services.attendance_record(seance=seance, user=member, present=True, by=coord)

    def decide_new_case():
        case = signal()
        seance.status = "planned"  # test setup: reopen the agenda to add an item
        seance.save(update_fields=["status"])
        item = services.agenda_item_add(seance=seance, case=case, by=coord)
        services.agenda_item_decide(item=item, data=ORIENT, by=coord)
        return case

    cases = [decide_new_case()]
    client.force_login(member)
    url = reverse("seances:releve", args=[seance.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    cases += [decide_new_case() for _ in range(5)]
    with django_assert_max_num_queries(len(small)):
        response = client.get(url)
    assert all(case.reference in response.content.decode() for case in cases)


def test_in_a_strict_cell_attendees_read_the_cases_of_their_seance(client, cell, coord, member, plan, signal):
    services.cell_need_to_know_set(cell=cell, strict=True, by=coord)
    cell.refresh_from_db()
    on_agenda, elsewhere = signal(), signal()
    seance = plan()
    services.agenda_item_add(seance=seance, case=on_agenda, by=coord)
    services.seance_invite(seance=seance, users=[member], by=coord)
    services.attendance_record(seance=seance, user=member, present=True, by=coord)
    services.agenda_item_decide(item=seance.items.get(), data=ORIENT, by=coord)
    client.force_login(member)
    page = client.get(reverse("seances:releve", args=[seance.pk])).content.decode()
    assert on_agenda.reference in page and elsewhere.reference not in page


def test_a_reader_of_scoped_summaries_gets_no_row(decided, coord, w):
    """Lateness, bilan outcomes and the decision are not in a scoped summary:
    a former attendee who now reads the case through a disclosure to their
    institution does not read its row (it is counted as left out)."""
    seance, case, postponed = decided
    disclosure_create(case=case, institution=w["institutions"]["parquet_arras"], reason="Suivi", by=coord)
    magistrate = make_disclosure_reader(
        w["partnerships"]["arras"], institution=w["institutions"]["parquet_arras"], username="magistrat"
    )
    assert representation_for(magistrate, case) == Representation.SCOPED_SUMMARY
    rows, left_out = releve_rows(seance, magistrate)
    assert rows == [] and left_out == 2
    rows, left_out = releve_rows(seance, coord)
    assert [row.case for row in rows] == [case, postponed] and left_out == 0
