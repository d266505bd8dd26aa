"""Smoke test of the bench's dataset builder, at a tiny scale, in the test database.

The bench itself (timings) never runs in the test suite; this checks that the
rows it clones behave like the rows the services write: same grants, same
queues, same links between rows.
"""

import pytest
from django.db import transaction
from django.db.models import F
from viewflow.workflow.status import STATUS

from bench.clone import check_integrity, not_cloned
from bench.dataset import fill
from bench.plan import Plan
from casework.models import Case, JournalEntry, Membership, ReferentDesignation, User
from permissions import services as access
from permissions.visibility import Representation, representation_for, visible_cases
from workflows.models import CaseTask

PLAN = Plan(scale=0.0005, partnerships=1, users=30, cases=60, journal_entries=600)


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """Build once for the module, in a transaction rolled back at the end (each
    test's own transaction nests in it as a savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        fill(PLAN, log=lambda message: None)
        yield
        transaction.set_rollback(True)


pytestmark = pytest.mark.usefixtures("built")


def signed_members(cell):
    return User.objects.filter(
        memberships__cell=cell, memberships__role=Membership.Role.MEMBRE, charter_signatures__isnull=False
    )


def test_it_builds_the_planned_volume_in_every_state():
    assert Case.objects.count() == PLAN.cases
    # The planned journal, plus what the initial stall scan journals (stalled cases).
    assert JournalEntry.objects.count() >= PLAN.journal_entries
    assert set(Case.objects.values_list("status", flat=True)) == set(Case.Status.values)
    assert check_integrity() == []
    # Every model pointing at cases is populated (séance agendas by bench.seances):
    # a new one fails here until the bench clones it or says why not.
    assert not_cloned() == []


def test_bulk_group_rows_are_those_user_sync_groups_computes():
    through = User.groups.through
    before = set(through.objects.values_list("user_id", "group_id"))
    for user in User.objects.all():
        access.user_sync_groups(user=user)
    assert set(through.objects.values_list("user_id", "group_id")) == before


def test_cloned_cases_are_read_as_the_services_grant_them():
    coordinator = User.objects.filter(memberships__role=Membership.Role.COORDONNATEUR).first()
    live = Case.objects.exclude(status__in=[Case.Status.ARCHIVE, Case.Status.PURGE]).select_related("cell")
    assert set(visible_cases(coordinator)) == set(live)
    for case in live:
        assert representation_for(coordinator, case) == Representation.FULL
        member = signed_members(case.cell).exclude(designations__case=case).first()
        assert representation_for(member, case) == Representation.CELL_SUMMARY
        stranger = (
            User.objects.filter(memberships__role=Membership.Role.MEMBRE)
            .exclude(memberships__cell=case.cell)
            .exclude(designations__case=case)
            .exclude(institution__kind__in=["pjj", "spip", "parquet"])
            .first()
        )
        assert representation_for(stranger, case) is None


def test_current_referents_read_their_cases_in_full_and_own_their_task():
    designations = ReferentDesignation.objects.filter(
        case__status=Case.Status.ORIENTE, accepted_on__isnull=False, ended_on__isnull=True
    ).select_related("case", "referent")
    assert designations.exists()
    for designation in designations:
        assert representation_for(designation.referent, designation.case) == Representation.FULL
    for task in CaseTask.objects.filter(flow_task_type="HUMAN", status=STATUS.ASSIGNED).select_related(
        "owner"
    ):
        case = task.process.caseprocess.case
        assert case.designations.filter(referent=task.owner, ended_on__isnull=True).exists()


def test_examen_tasks_of_cloned_signalements_are_in_the_coordinator_queue():
    coordinator = User.objects.filter(memberships__role=Membership.Role.COORDONNATEUR).first()
    queue = set(CaseTask.objects.user_queue(coordinator).values_list("pk", flat=True))
    for case in Case.objects.filter(status=Case.Status.SIGNALE):
        task = CaseTask.objects.get(
            process__caseprocess__case=case, flow_task_type="HUMAN", status=STATUS.NEW
        )
        assert task.owner_permission_obj_pk == str(case.pk)
        assert task.pk in queue


def test_ids_kept_in_json_point_at_rows_of_the_same_case():
    for entry in JournalEntry.objects.filter(kind=JournalEntry.Kind.DESIGNATION):
        designation = ReferentDesignation.objects.get(pk=entry.data["designation"])
        assert designation.case_id == entry.case_id
        assert designation.referent_id == entry.data["referent"]
    for task in CaseTask.objects.filter(data__has_key="step_id"):
        assert task.process.caseprocess.case.pending_steps.filter(pk=task.data["step_id"]).exists()


def test_every_page_measure_runs_on_the_dataset(settings):
    """Each page the bench times answers 200 on the built data, the baseline
    (its patches of the visibility functions) included: a measure that fails
    would only show as "échec" in a `make bench` run."""
    from bench import measures

    settings.ALLOWED_HOSTS = ["testserver"]
    people = measures.personas()
    specs = measures.page_measures(people, samples=1)
    results = measures.measure_pages(specs, samples=1)

    assert [result.name for result in results] == [spec.name for spec in specs] + ["speed_probe"]
    for result in results[:-1]:
        assert result.p50_ms is not None and result.queries and not result.note, (result.name, result.note)
    assert {"list_baseline_unscoped", "list_member", "list_coordinator", "detail_full"} <= {
        spec.name for spec in specs
    }
    assert results[-1].p50_ms > 0 and results[-1].queries is None


def test_every_cell_meets_monthly_and_has_its_next_seance_planned():
    from casework.models import Cell
    from meetings.models import AgendaItem, Seance

    # The justice groups (bench.world: the magistrates' seats) cover no commune and hold no case.
    for cell in Cell.objects.filter(communes__isnull=False).distinct():
        seances = Seance.objects.filter(cell=cell)
        assert seances.filter(status=Seance.Status.CLOSED).count() == 24, cell
        assert seances.filter(status=Seance.Status.PLANNED).count() == 1, cell
    # Agendas hold the cell's own cases, decided in closed séances only.
    assert not AgendaItem.objects.exclude(case__cell=F("seance__cell")).exists()
    assert (
        not AgendaItem.objects.filter(seance__status=Seance.Status.PLANNED).exclude(status="pending").exists()
    )
    assert AgendaItem.objects.filter(status="decided").exists()
