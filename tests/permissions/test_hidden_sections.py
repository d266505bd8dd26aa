"""Filters, sorts and menus never reveal a section the reader's representation hides.

A magistrate reads disclosed cases as scoped summaries: no cell, motifs,
profil or lateness (permissions.representations). Showing them the rows
matching "motif = réitération", the cells of their cases in a menu, or the
cases sorted by how stalled they are would tell them exactly that.
"""

import pytest
from django.urls import reverse

from casework.demo import JUSTICE_CELL
from casework.models.codes import Motif, Profil
from notifications.services import stalls_scan
from permissions.disclosures import disclosure_create
from permissions.representations import case_ids_showing
from tests.factories import make_case, make_member, make_user
from tests.notifications.conftest import at, days, following


@pytest.fixture
def disclosed(cell, coord, w):
    """Two cases disclosed to the parquet; the first stalled, with a motif and profil of its own."""
    stalled = make_case(cell, signaled_on=days(0), motifs=(Motif.REITERATION,), profil=Profil.REITERANT)
    calm = make_case(cell, signaled_on=days(25))
    stalls_scan(now=at(days(30)))
    for case in (stalled, calm):
        disclosure_create(case=case, institution=w["institutions"]["parquet_arras"], reason="Suivi", by=coord)
    return stalled, calm


def listed(client, **params) -> list[int]:
    return [row.case.pk for row in client.get(reverse("situations:index"), params).context["rows"]]


def test_the_magistrate_reads_both_cases_as_scoped_summaries(client, magistrate, disclosed):
    client.force_login(magistrate)
    assert sorted(listed(client)) == sorted(case.pk for case in disclosed)


@pytest.mark.parametrize(
    "params",
    [
        {"motif": Motif.REITERATION},
        {"profil": Profil.REITERANT},
        {"retard": "1"},
        {"bloque": "1"},
    ],
    ids=["motif", "profil", "retard", "bloque"],
)
def test_a_filter_on_a_hidden_section_matches_no_scoped_summary(client, magistrate, disclosed, params):
    client.force_login(magistrate)
    assert listed(client, **params) == []


def test_a_filter_on_the_hidden_cell_matches_no_scoped_summary(client, magistrate, disclosed, cell):
    client.force_login(magistrate)
    response = client.get(reverse("situations:index"), {"cellule": cell.pk})
    assert [row.case.pk for row in response.context["rows"]] == []
    # The menu names the magistrate's own seat (the justice group, no case), not the cases' cell.
    assert [c.name for c in response.context["cells"]] == [JUSTICE_CELL]
    assert cell.name not in response.content.decode()


def test_the_stall_sort_does_not_order_scoped_summaries_by_stall(client, magistrate, disclosed, coord):
    stalled, calm = disclosed
    client.force_login(coord)  # the coordinator reads both in full: the stalled one first
    assert listed(client, tri="blocage") == [stalled.pk, calm.pk]
    client.force_login(magistrate)  # the most recent first, as without the sort
    assert listed(client, tri="blocage") == [calm.pk, stalled.pk]


def test_the_stall_dashboard_shows_no_scoped_summary(client, magistrate, disclosed, coord):
    stalled, _ = disclosed
    client.force_login(coord)
    assert stalled.reference in client.get(reverse("relances:dashboard")).content.decode()
    client.force_login(magistrate)
    response = client.get(reverse("relances:dashboard"))
    body = response.content.decode()
    assert stalled.reference not in body and "Aucune situation bloquée." in body
    assert response.context["total"] == 0


def test_sections_shown_by_every_representation_keep_the_scoped_summaries(magistrate, disclosed):
    from casework.models import Case

    everyone = set(
        Case.objects.filter(pk__in=case_ids_showing(magistrate, "identity")).values_list("pk", flat=True)
    )
    assert everyone == {case.pk for case in disclosed}
    assert not Case.objects.filter(pk__in=case_ids_showing(magistrate, "motifs", "cell")).exists()


def test_a_section_no_id_set_can_serve_is_refused(magistrate):
    with pytest.raises(ValueError, match="measures"):  # full and scoped summaries, not cell summaries
        case_ids_showing(magistrate, "measures")
    with pytest.raises(KeyError, match="journl"):
        case_ids_showing(magistrate, "journl")


def test_a_scoped_summary_names_the_referent_s_institution_not_the_referent(
    client, magistrate, coord, disclosed, w
):
    stalled, _ = disclosed
    referent = make_user(
        "remi", first_name="Rémi", last_name="Référent", institution=w["institutions"]["prev_spe"]
    )
    designation = following(stalled, referent, accepted_on=days(3))
    designation.institution = referent.institution
    designation.save(update_fields=["institution"])
    url = reverse("situations:detail", args=[stalled.pk])
    client.force_login(coord)
    assert "Rémi Référent" in client.get(url).content.decode()
    client.force_login(magistrate)
    body = client.get(url).content.decode()
    assert "Rémi Référent" not in body and str(w["institutions"]["prev_spe"]) in body


def test_the_stall_counts_count_only_the_cases_showing_their_lateness(client, w, coord, cell):
    """A PJJ agent seated in another cell reads that cell's cases as cell summaries
    and a case disclosed to the PJJ as a scoped summary: both are listed, only
    the first counts in the stall counts above the list."""
    ouest = w["cells"]["Arras – quartiers ouest"]
    seated = make_case(ouest, signaled_on=days(0))
    disclosed = make_case(cell, signaled_on=days(0))
    stalls_scan(now=at(days(30)))
    disclosure_create(case=disclosed, institution=w["institutions"]["pjj"], reason="Suivi", by=coord)
    agent = make_member(ouest, institution=w["institutions"]["pjj"])
    client.force_login(agent)
    response = client.get(reverse("situations:index"))
    assert sorted(row.case.pk for row in response.context["rows"]) == sorted([seated.pk, disclosed.pk])
    assert response.context["page"].paginator.count == 2
    counts = response.context["stall_counts"]
    assert counts and sum(count for _, _, count in counts) == 1
