"""The cast of the parcours tests (all in the CLSPD d'Arras, cell "Arras – centre"):

- `coord`: signed coordinator of the partnership: picks coordinator tasks;
- `member`: signed Éducation nationale member of the cell: signals, sees summaries;
- `referent`: signed prévention spécialisée educator: eligible référent de parcours;
- `pjj`: signed PJJ educator: eligible récidive référent;
  both hold the seat a référent needs in the partnership, in its other cell
  ("Arras – quartiers ouest"), so that they read no summary of the cases here;
- `unsigned_referent`: prévention spécialisée educator who never signed: not eligible;
- `outsider`: signed coordinator of the CISPD de Lens-Liévin: sees nothing of Arras.
"""

from datetime import date

import pytest
from django.utils import timezone

from casework.models.codes import Motif, PlanMeasure, Profil
from casework.services.cases import YouthIdentity
from tests.factories import make_coordinator, make_member, make_user
from workflows.services import case_signal_and_start


@pytest.fixture
def referent(w):
    return make_member(
        w["cells"]["Arras – quartiers ouest"],
        institution=w["institutions"]["prev_spe"],
        first_name="Rémi",
        last_name="Référent",
    )


@pytest.fixture
def pjj(w):
    return make_member(
        w["cells"]["Arras – quartiers ouest"],
        institution=w["institutions"]["pjj"],
        first_name="Paula",
        last_name="PJJ",
    )


@pytest.fixture
def unsigned_referent(w):
    return make_user(institution=w["institutions"]["prev_spe"])


@pytest.fixture
def outsider(w):
    return make_coordinator(w["partnerships"]["lens"], institution=w["institutions"]["mairie_lens"])


@pytest.fixture
def signal(cell, member, w):
    """Signal a youth through the service and start the parcours."""

    def _signal(*, birth_date=date(2010, 3, 14), last_name="Martin", signaled_on=None, by=None):
        return case_signal_and_start(
            cell=cell,
            identity=YouthIdentity(
                first_name="Léo",
                last_name=last_name,
                birth_date=birth_date,
                sex="M",
                commune_id=w["communes"]["Arras"].pk,
            ),
            source_institution=w["institutions"]["college"],
            motifs=[Motif.ABSENTEISME],
            profil=Profil.DECROCHEUR,
            plan_measure=PlanMeasure.M2,
            signaled_on=signaled_on or timezone.localdate(),
            by=by or member,
        )

    return _signal
