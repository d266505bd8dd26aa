"""The cast of the séance tests (CLSPD d'Arras, cell "Arras – centre", unless said):

- `coord`: signed coordinator of the partnership: plans séances, records decisions;
- `member`, `member2`: signed members of the cell (Éducation nationale, mission locale);
- `unsigned`: member of the cell who never signed the charter;
- `west_member`: signed member of the other Arras cell ("Arras – quartiers ouest");
- `outsider`: signed coordinator of the CISPD de Lens-Liévin.
"""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from casework.models.codes import Motif, PlanMeasure, Profil
from casework.services.cases import YouthIdentity
from meetings import services
from tests.factories import make_coordinator, make_member
from tests.workflows.helpers import the_task
from workflows.services import case_signal_and_start, task_complete

TODAY = timezone.localdate()


@pytest.fixture
def coord(w):
    return make_coordinator(
        w["partnerships"]["arras"], institution=w["institutions"]["mairie_arras"], username="claire"
    )


@pytest.fixture
def member(w, cell):
    user = make_member(cell, institution=w["institutions"]["college"], username="marie")
    user.first_name, user.last_name = "Marie", "Membre"
    user.save()
    return user


@pytest.fixture
def member2(w, cell):
    return make_member(cell, institution=w["institutions"]["mission_locale"])


@pytest.fixture
def unsigned(w, cell):
    return make_member(cell, institution=w["institutions"]["police"], signed=False)


@pytest.fixture
def west_member(w):
    return make_member(w["cells"]["Arras – quartiers ouest"], institution=w["institutions"]["college"])


@pytest.fixture
def outsider(w):
    return make_coordinator(w["partnerships"]["lens"], institution=w["institutions"]["mairie_lens"])


@pytest.fixture
def signal(w, cell, coord):
    """Signal a youth in `cell` (default) through the service and start the parcours."""

    def _signal(*, in_cell=None, last_name="Martin", birth_date=date(2010, 3, 14), signaled_on=None):
        target = in_cell or cell
        return case_signal_and_start(
            cell=target,
            identity=YouthIdentity(
                first_name="Léo",
                last_name=last_name,
                birth_date=birth_date,
                sex="M",
                commune_id=target.communes.first().pk,
            ),
            source_institution=w["institutions"]["prev_spe"],
            motifs=[Motif.ABSENTEISME],
            profil=Profil.DECROCHEUR,
            plan_measure=PlanMeasure.M2,
            signaled_on=signaled_on or TODAY,
            by=coord,
        )

    return _signal


@pytest.fixture
def to_bilan(coord):
    """Drive a signalled case to its examen du bilan (rappel à l'ordre abandoned)."""

    def _to_bilan(case):
        task_complete(
            task=the_task(case, "examen"),
            user=coord,
            data={"kind": "orientation", "orientations": ["rappel_ordre"], "decided_on": case.signaled_on},
        )
        task_complete(task=the_task(case, "rappel"), user=coord, data={"outcome": "abandonne"})
        case.refresh_from_db()
        return case

    return _to_bilan


def at(day: date, hour: int = 14) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@pytest.fixture
def plan(cell, coord):
    """Plan a séance of `cell` (today at 14:00 by default)."""

    def _plan(day=TODAY, *, in_cell=None, place="Mairie d'Arras, salle 2"):
        return services.seance_plan(cell=in_cell or cell, starts_at=at(day), place=place, by=coord)

    return _plan


@pytest.fixture
def held(plan, coord, member, signal):
    """A séance held today: `member` present, one examen item decided."""

    def _held(*cases):
        seance = plan()
        for case in cases:
            services.agenda_item_add(seance=seance, case=case, by=coord)
        services.seance_invite(seance=seance, users=[member], by=coord)
        services.attendance_record(seance=seance, user=member, present=True, by=coord)
        return seance

    return _held


DAY = timedelta(days=1)
