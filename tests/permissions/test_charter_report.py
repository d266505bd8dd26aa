"""The annual charter report: counting rules, year boundaries, scope, constant query count.

The dataset is described in tests/permissions/charter_report_builders.py.
"""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework.models import Cell, Departement, Institution, Membership, Partnership
from permissions import charter as charter_services
from permissions.charter_report import charter_report, may_read_charter_report, report_scope
from permissions.models import AccessLog, CharterEvent
from tests.factories import make_case, make_coordinator, make_member, make_user, world
from tests.permissions.charter_report_builders import at, build_charter_years, read, seat, sign


@pytest.fixture
def years():
    return build_charter_years()


def report_for(years, year, today=date(2026, 3, 1)):
    """The report over Arras and Lens, with Arras's row and Lens's row."""
    partnerships = Partnership.objects.filter(pk__in=[years.arras.pk, years.lens.pk])
    report = charter_report(partnerships=partnerships, year=year, today=today)
    rows = {row.partnership_id: row for row in report.rows}
    return report, rows[years.arras.pk], rows[years.lens.pk]


def test_it_lists_the_partnerships_by_name_then_the_total(years):
    report, *_ = report_for(years, 2024)
    assert [row.label for row in report.rows] == ["CISPD de Lens-Liévin", "CLSPD d'Arras"]
    assert report.total.is_total and report.total.partnerships == 2


def test_it_reads_the_charter_in_force_on_31_december(years):
    report, arras, lens = report_for(years, 2024)
    assert (arras.with_charter, arras.charter_version, arras.charter_adopted_on) == (1, 2, date(2024, 6, 15))
    assert arras.versions_adopted == 1  # v2; v3 was adopted on 1 January 2025
    assert (lens.with_charter, lens.charter_version, lens.charter_adopted_on) == (0, None, None)
    assert report.reference_date == date(2024, 12, 31) and report.complete


def test_it_counts_the_signatures_of_the_year_in_local_time(years):
    _, arras, lens = report_for(years, 2024)
    # coord v2, newcomer v2 (31/12 23:30), two_seats v1, mover v2; not coord's v1 of
    # 31/12/2023 23:30 nor late's v3 of 01/01/2025 00:10 (both 22:xx/23:xx UTC the day before).
    assert (arras.signatures, lens.signatures) == (4, 0)


def test_members_are_persons_without_the_dpo_and_add_up(years):
    _, arras, lens = report_for(years, 2024)
    assert arras.members_start == 5  # coord, leaver, unsigned, two_seats (once), mover
    assert arras.members_joined == 2  # newcomer, passing (the mover only changed cells)
    assert arras.members_left == 2  # leaver, passing (unsigned leaves on 01/01/2025)
    assert arras.members == 5  # coord, newcomer, unsigned, two_seats, mover
    assert arras.members_start + arras.members_joined - arras.members_left == arras.members
    assert (lens.members_start, lens.members_joined, lens.members_left, lens.members) == (0, 1, 0, 1)


def test_signed_members_signed_the_version_in_force_by_the_reference_day(years):
    _, arras, lens = report_for(years, 2024)
    assert arras.members_signed == 3  # coord, newcomer (31/12 23:30), mover; not two_seats (v1)
    assert arras.members_signed_pct == 60.0
    assert (lens.members_signed, lens.members_signed_pct) == (0, 0.0)


def test_active_cells_have_a_charter_when_their_partnership_has_one(years):
    report, arras, lens = report_for(years, 2024)
    assert (arras.cells, arras.cells_with_charter, arras.cells_with_charter_pct) == (2, 2, 100.0)
    assert (lens.cells, lens.cells_with_charter, lens.cells_with_charter_pct) == (1, 0, 0.0)
    assert report.total.cells_with_charter_pct == 66.7


def test_it_counts_break_glass_requests_of_the_year_by_decision(years):
    _, arras, lens = report_for(years, 2024)
    assert (arras.breakglass_requested, arras.breakglass_approved, arras.breakglass_refused) == (3, 1, 1)
    assert arras.breakglass_pending == 1
    assert lens.breakglass_requested == 0


def test_it_counts_reads_by_channel_and_motivated_archive_openings(years):
    _, arras, lens = report_for(years, 2024)
    assert arras.reads == {
        "ui_detail": 2,  # 02/02 and 31/12 at 23:59; not 01/01/2025 at 00:30
        "ui_list": 1,
        "api_detail": 0,
        "api_list": 0,
        "search": 0,
        "export": 1,
        "print": 0,
        "archive": 1,  # the opening of 31/12/2023 at 23:30 belongs to 2023
    }
    assert arras.archive_consultations == 1 and arras.reads_total == 5
    assert lens.reads["ui_detail"] == 1 and lens.reads_total == 1


def test_it_counts_disclosures_and_the_purge_reports_of_the_year(years):
    _, arras, lens = report_for(years, 2024)
    assert arras.disclosures == 1
    assert (arras.cases_archived, arras.cases_purged) == (4, 2)
    assert (lens.disclosures, lens.cases_archived, lens.cases_purged) == (0, 0, 0)


def test_the_total_adds_up_the_partnerships(years):
    report, arras, lens = report_for(years, 2024)
    total = report.total
    assert (total.with_charter, total.partnerships) == (1, 2)
    assert (total.members, total.members_signed, total.members_signed_pct) == (6, 3, 50.0)
    assert (total.members_joined, total.signatures, total.breakglass_requested) == (3, 4, 3)
    assert total.reads["ui_detail"] == 3 and total.reads_total == 6
    assert total.charter_version is None


def test_the_previous_year_gets_what_happened_before_1_january(years):
    _, arras, _ = report_for(years, 2023)
    assert (arras.charter_version, arras.versions_adopted, arras.signatures) == (1, 1, 3)
    assert (arras.members_start, arras.members_joined, arras.members_left, arras.members) == (1, 4, 0, 5)
    assert arras.members_signed == 3  # coord (31/12 at 23:30), leaver, unsigned
    assert (arras.breakglass_requested, arras.archive_consultations, arras.cases_purged) == (1, 1, 5)


def test_the_running_year_stops_today(years):
    report, arras, _ = report_for(years, 2025, today=date(2025, 3, 1))
    assert report.reference_date == date(2025, 3, 1) and not report.complete
    assert (arras.charter_version, arras.versions_adopted) == (3, 1)
    assert (arras.members_joined, arras.members_left, arras.members) == (1, 1, 5)  # late in, unsigned out
    assert arras.members_signed == 1  # only late signed v3
    assert arras.cases_purged == 7


def test_a_year_not_started_is_refused(years):
    with pytest.raises(ValueError, match="n'a pas commencé"):
        report_for(years, 2027, today=date(2026, 12, 31))


def test_the_services_write_what_the_report_counts(w):
    """Through the real services (dated today), each count matches the charter journal."""
    arras, today = w["partnerships"]["arras"], timezone.localdate()
    # The first coordinator is seated by an administrator, before this year.
    coord = make_user(institution=w["institutions"]["mairie_arras"])
    seat(coord, arras, Membership.Role.COORDONNATEUR, date(today.year - 1, 1, 1))
    v1 = charter_services.charter_adopt(partnership=arras, text="Version 1", by=coord)
    charter_services.charter_sign(user=coord, charter=v1)
    newcomer = make_user(institution=w["institutions"]["college"])
    newcomer_seat = charter_services.membership_start(
        partnership=arras,
        user=newcomer,
        role=Membership.Role.MEMBRE,
        institution=newcomer.institution,
        cell=w["cells"]["Arras – centre"],
        by=coord,
    )
    v2 = charter_services.charter_adopt(partnership=arras, text="Version 2", by=coord)
    charter_services.charter_sign(user=newcomer, charter=v2)
    charter_services.membership_end(membership=newcomer_seat, by=coord)

    (row,) = charter_report(partnerships=Partnership.objects.filter(pk=arras.pk), year=today.year).rows
    events = CharterEvent.objects.filter(partnership=arras, occurred_on__year=today.year)
    kinds = CharterEvent.Kind
    assert row.versions_adopted == events.filter(kind=kinds.ADOPTED).count() == 2
    assert row.signatures == events.filter(kind=kinds.SIGNED).count() == 2
    assert row.members_joined == events.filter(kind=kinds.MEMBERSHIP_STARTED).count() == 1
    assert row.members_left == events.filter(kind=kinds.MEMBERSHIP_ENDED).count() == 1
    assert (row.members, row.members_signed, row.charter_version) == (1, 0, 2)  # coord owes v2


def _another_partnership(w, index: int) -> Partnership:
    """A partnership with a cell, a coordinator, a member, a signature and a read in 2024."""
    partnership = Partnership.objects.create(name=f"CLSPD n° {index}", kind="clspd", code=f"P{index}")
    partnership.communes.add(w["communes"]["Avion"])
    cell = Cell.objects.create(partnership=partnership, name=f"Cellule {index}", kind=Cell.Kind.COMMUNALE)
    cell.communes.add(w["communes"]["Avion"])
    coord = make_coordinator(partnership, institution=w["institutions"]["mairie_lens"])
    member = make_user(institution=w["institutions"]["college"])
    seat(member, partnership, Membership.Role.MEMBRE, date(2024, 1, 1), cell=cell)
    sign(member, partnership.charters.get(), at(2024, 2, 2))
    read(make_case(cell), coord, AccessLog.Channel.UI_DETAIL, at(2024, 3, 3))
    return partnership


def test_the_query_count_does_not_grow_with_the_partnerships(years, django_assert_max_num_queries):
    extra = [_another_partnership(years.world, index) for index in (1, 2)]
    counts = []
    for partnerships in ([years.arras], [years.arras, *extra]):
        queryset = Partnership.objects.filter(pk__in=[p.pk for p in partnerships])
        with django_assert_max_num_queries(9), CaptureQueriesContext(connection) as captured:
            report = charter_report(partnerships=queryset, year=2024, today=date(2026, 3, 1))
        assert len(report.rows) == len(partnerships)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts
    assert report.total.reads_total == 5 + 2 and report.total.members_joined == 2 + 2


# --- Scope -------------------------------------------------------------------


def _coordinator(w, signed=True):
    arras = w["partnerships"]["arras"]
    return make_coordinator(arras, institution=w["institutions"]["mairie_arras"], signed=signed)


def _seat_holder(role):
    def build(w):
        user = make_user(institution=w["institutions"]["mairie_arras"])
        seat(user, w["partnerships"]["arras"], role, date(2024, 1, 1))
        return user

    return build


ARRAS, BOTH = {"CLSPD d'Arras"}, {"CLSPD d'Arras", "CISPD de Lens-Liévin"}
READERS = {
    "coordinator": (_coordinator, ARRAS),
    # The report holds no nominative data: no signature needed.
    "unsigned_coordinator": (lambda w: _coordinator(w, signed=False), ARRAS),
    "dpo": (_seat_holder(Membership.Role.DPO), ARRAS),
    "prefecture": (lambda w: make_user(institution=w["institutions"]["prefecture"]), BOTH),
}
NOT_READERS = {
    "member": lambda w: make_member(w["cells"]["Arras – centre"], institution=w["institutions"]["college"]),
    "maire": _seat_holder(Membership.Role.MAIRE_PRESIDENT),
    "magistrate": lambda w: make_user(institution=w["institutions"]["parquet_arras"]),
    "no_institution": lambda w: make_user(),
    "superuser": lambda w: make_user(is_superuser=True, is_staff=True),
}


@pytest.mark.parametrize("who", READERS)
def test_readers_see_the_partnerships_they_oversee(who):
    w = world()
    build, expected = READERS[who]
    user = build(w)
    scope = report_scope(user)
    assert {p.name for p in scope.partnerships} == expected
    assert may_read_charter_report(user)


@pytest.mark.parametrize("who", NOT_READERS)
def test_anyone_else_has_no_scope(who):
    user = NOT_READERS[who](world())
    assert report_scope(user) is None
    assert not may_read_charter_report(user)


def test_a_coordinator_of_a_does_not_see_b(w):
    coord = make_coordinator(w["partnerships"]["lens"], institution=w["institutions"]["mairie_lens"])
    assert [p.name for p in report_scope(coord).partnerships] == ["CISPD de Lens-Liévin"]


def test_an_ended_seat_gives_no_scope(w):
    user = make_user(institution=w["institutions"]["mairie_arras"])
    seat(user, w["partnerships"]["arras"], Membership.Role.COORDONNATEUR, date(2023, 1, 1), date(2024, 1, 1))
    assert report_scope(user) is None and not may_read_charter_report(user)


def test_an_inactive_account_has_no_scope(w):
    user = make_coordinator(w["partnerships"]["arras"], institution=w["institutions"]["mairie_arras"])
    user.is_active = False
    assert report_scope(user) is None and not may_read_charter_report(user)


def test_the_prefecture_of_another_departement_sees_none_of_these(w):
    nord = Departement.objects.create(code="59", name="Nord")
    prefecture = Institution.objects.create(
        name="Préfecture du Nord", kind=Institution.Kind.PREFECTURE, departement=nord
    )
    scope = report_scope(make_user(institution=prefecture))
    assert scope.departement == nord and not scope.partnerships.exists()


def test_a_report_counts_only_its_own_partnerships(years):
    read(years.case, years.coord, AccessLog.Channel.PRINT, at(2024, 9, 9))
    lens_only = charter_report(
        partnerships=Partnership.objects.filter(pk=years.lens.pk), year=2024, today=date(2026, 3, 1)
    )
    (row,) = lens_only.rows
    assert row.label == "CISPD de Lens-Liévin"
    assert row.reads_total == lens_only.total.reads_total == 1
    assert row.members == lens_only.total.members == 1
