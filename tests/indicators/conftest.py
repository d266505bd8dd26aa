"""The hand-computed fixture: a small Pas-de-Calais year (2026) whose every
indicator was counted by hand in tests/indicators/test_engine.py.

Cells (demo reference data): "Arras – centre" (commune Arras) and "Arras –
quartiers ouest" (Achicourt) in the CLSPD d'Arras; "Lens-Liévin" (Lens) in
the CISPD de Lens-Liévin. Arrondissements Arras and Lens, département 62.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

import pytest
from django.utils import timezone

from casework.models import Case, Cell, Membership, ReferentDesignation
from casework.models.codes import ClosureReason, Orientation, Profil
from permissions.models import Charter, CharterSignature
from tests.factories import make_case, make_user, world
from tests.indicators import builders as b

RAPPEL, CDDF, REFERENT, RECIDIVE = (
    Orientation.RAPPEL_ORDRE,
    Orientation.CDDF,
    Orientation.REFERENT,
    Orientation.RECIDIVE,
)
TODAY = date(2027, 1, 15)  # the year 2026 is over: its reference day is 31/12/2026


@dataclass
class Plan:
    world: dict
    cases: dict = field(default_factory=dict)
    # Every name and birth date written, to prove none reaches an export.
    identities: list = field(default_factory=list)

    @property
    def centre(self) -> Cell:
        return self.world["cells"]["Arras – centre"]

    @property
    def ouest(self) -> Cell:
        return self.world["cells"]["Arras – quartiers ouest"]

    @property
    def lens(self) -> Cell:
        return self.world["cells"]["Lens-Liévin"]

    @property
    def arras(self):
        return self.world["partnerships"]["arras"]

    @property
    def lens_partnership(self):
        return self.world["partnerships"]["lens"]


def _signal(plan: Plan, key: str, cell: Cell, on: date, sex: str, age: int, profil: str) -> Case:
    # Born on the 1st of the signalement's month, `age` years before (every
    # signalement is dated after the 1st): exactly `age` at signalement.
    birth = date(on.year - age, on.month, 1)
    first, last = f"Prénom{key.capitalize()}", f"Nomdefamille{key.capitalize()}"
    case = make_case(
        cell, first_name=first, last_name=last, birth_date=birth, sex=sex, signaled_on=on, profil=profil
    )
    plan.identities.append((first, last, birth))
    plan.cases[key] = case
    return case


@pytest.fixture
def plan() -> Plan:
    p = Plan(world=world())
    R = ReferentDesignation.Kind
    # --- Arras – centre --------------------------------------------------
    c1 = _signal(p, "c1", p.centre, date(2026, 1, 10), "F", 14, Profil.DECROCHEUR)
    d = b.examine(c1, date(2026, 1, 20), [RAPPEL, REFERENT])  # 10 days
    b.rappel(c1, d, held_on=date(2026, 2, 5))
    des = b.designate(c1, d, kind=R.PARCOURS, designated_on=date(2026, 1, 25), accepted_on=date(2026, 1, 28))
    b.bilan(c1, presented_on=date(2026, 4, 25), designation=des)  # 90 days after designation

    c2 = _signal(p, "c2", p.centre, date(2026, 1, 15), "M", 16, Profil.PRIMO)
    d = b.examine(c2, date(2026, 2, 14), [CDDF])  # 30 days
    b.cddf(c2, d, saisine_on=date(2026, 3, 1), hearing_on=date(2026, 3, 20), accompagnement="accepte")

    c3 = _signal(p, "c3", p.centre, date(2026, 3, 3), "M", 19, Profil.REITERANT)
    d = b.examine(c3, date(2026, 3, 23), [RECIDIVE])  # 20 days
    des = b.designate(
        c3,
        d,
        kind=R.RECIDIVE,
        designated_on=date(2026, 3, 25),
        accepted_on=date(2026, 3, 30),
        ended_on=date(2026, 9, 30),
    )
    b.bilan(c3, presented_on=date(2026, 9, 21), designation=des)  # 180 days
    b.close(c3, on=date(2026, 10, 1), reason=ClosureReason.OBJECTIFS)

    # Signalled in 2025, followed into 2026, closed in February.
    c4 = _signal(p, "c4", p.centre, date(2025, 11, 20), "F", 15, Profil.DECROCHEUR)
    d = b.examine(c4, date(2025, 12, 1), [REFERENT])
    b.designate(
        c4,
        d,
        kind=R.PARCOURS,
        designated_on=date(2025, 12, 5),
        accepted_on=date(2025, 12, 10),
        ended_on=date(2026, 2, 10),
    )
    b.close(c4, on=date(2026, 2, 10), reason=ClosureReason.REFUS)

    c5 = _signal(p, "c5", p.centre, date(2026, 6, 10), "M", 17, Profil.DECROCHEUR)
    d = b.examine(c5, date(2026, 6, 20), [RAPPEL])  # 10 days
    b.rappel(c5, d, held_on=date(2026, 7, 1), outcome="non_presente")  # not counted

    # c1's youth signalled again in May: still one youth.
    c6 = _signal(p, "c6", p.centre, date(2026, 5, 5), "F", 14, Profil.DECROCHEUR)
    b.share_youth(c6, c1)
    # c4's youth signalled again in April: first signalement was in 2025.
    c7 = _signal(p, "c7", p.centre, date(2026, 4, 4), "F", 15, Profil.DECROCHEUR)
    b.share_youth(c7, c4)

    c8 = _signal(p, "c8", p.centre, date(2026, 8, 8), "F", 20, Profil.SORTANT)
    b.close(c8, on=date(2026, 9, 1), reason=ClosureReason.PERDU_DE_VUE)
    b.purge(c8)  # identity gone, facts kept

    # --- Arras – quartiers ouest -------------------------------------------
    ouest = [
        # key, signalled, sex, age, profil, examined, orientations, rappel held, closed, reason
        ("o1", date(2026, 2, 2), "F", 13, Profil.DECROCHEUR, date(2026, 2, 12), [RAPPEL], date(2026, 3, 3),
         date(2026, 4, 1), ClosureReason.OBJECTIFS),
        ("o2", date(2026, 2, 9), "M", 13, Profil.DECROCHEUR, date(2026, 2, 24), [RAPPEL], date(2026, 3, 10),
         date(2026, 4, 2), ClosureReason.OBJECTIFS),
        ("o3", date(2026, 3, 16), "M", 16, Profil.PRIMO, date(2026, 4, 15), [RAPPEL, CDDF], date(2026, 5, 5),
         date(2026, 6, 1), ClosureReason.OBJECTIFS),
        ("o4", date(2026, 4, 7), "M", 18, Profil.REITERANT, date(2026, 4, 27), [RAPPEL], date(2026, 5, 20),
         date(2026, 7, 1), ClosureReason.DEMENAGEMENT),
        ("o5", date(2026, 5, 11), "F", 22, Profil.DECROCHEUR, date(2026, 5, 21), [RAPPEL], date(2026, 6, 10),
         date(2026, 8, 1), ClosureReason.CLASSEMENT),
    ]  # fmt: skip
    for key, on, sex, age, profil, examined, orientations, held, closed, reason in ouest:
        case = _signal(p, key, p.ouest, on, sex, age, profil)
        d = b.examine(case, examined, orientations)
        b.rappel(case, d, held_on=held)
        if CDDF in orientations:
            b.cddf(case, d, saisine_on=date(2026, 5, 10))
        b.close(case, on=closed, reason=reason)
    _signal(p, "o6", p.ouest, date(2026, 9, 14), "M", 24, Profil.DECROCHEUR)

    # --- Lens-Liévin -----------------------------------------------------------
    l1 = _signal(p, "l1", p.lens, date(2026, 2, 2), "M", 16, Profil.PRIMO)
    d = b.examine(l1, date(2026, 2, 22), [REFERENT])  # 20 days
    b.designate(l1, d, kind=R.PARCOURS, designated_on=date(2026, 3, 1), accepted_on=date(2026, 3, 5))

    _charters(p)
    _stalls(p)
    return p


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


def _charters(p: Plan) -> None:
    """Arras adopted v1 (01/06/2025) then v2 (01/06/2026); Lens has no charter.
    An inactive Arras cell does not count. Five cell members, see test_engine."""
    v1 = Charter.objects.create(partnership=p.arras, version=1, text="v1", adopted_on=date(2025, 6, 1))
    v2 = Charter.objects.create(partnership=p.arras, version=2, text="v2", adopted_on=date(2026, 6, 1))
    old = Cell.objects.create(
        partnership=p.arras, name="Arras – ancienne cellule", kind="quartier", is_active=False
    )
    old.communes.add(p.world["communes"]["Arras"])
    college = p.world["institutions"]["college"]

    def member(cell, *, ended_on=None, signatures=()):
        user = make_user(institution=college)
        Membership.objects.create(
            user=user,
            partnership=cell.partnership,
            cell=cell,
            institution=college,
            role=Membership.Role.MEMBRE,
            started_on=date(2025, 1, 1),
            ended_on=ended_on,
        )
        for charter, on in signatures:
            CharterSignature.objects.create(
                charter=charter, user=user, institution=college, signed_at=_at(on)
            )
        return user

    member(p.centre, signatures=[(v2, date(2026, 6, 15))])  # m1
    member(p.centre, signatures=[(v1, date(2025, 7, 1))])  # m2: never signed v2
    member(p.centre, ended_on=date(2026, 5, 1), signatures=[(v2, date(2026, 6, 2))])  # m3: left
    member(p.ouest, signatures=[(v2, date(2026, 7, 1))])  # m4
    member(old, signatures=[(v2, date(2026, 7, 1))])  # in an inactive cell: not counted
    member(p.lens)  # m5: no charter to sign


def _stalls(p: Plan) -> None:
    """Stall flags (notifications.StallFlag) as the scan leaves them. Blocked on
    some day of 2026: c2, c4 (cleared on 05/01), c5 (two rules), o6; not l1."""
    from notifications.models import StallFlag

    for key, rule, since, cleared in (
        ("c2", "examen", date(2026, 2, 10), date(2026, 2, 14)),
        ("c5", "first_contact", date(2026, 7, 10), None),
        ("c5", "bilan_due", date(2026, 8, 1), None),
        ("c4", "contact_gap", date(2025, 12, 20), date(2026, 1, 5)),
        ("o6", "examen", date(2026, 10, 20), None),
        ("l1", "first_contact", date(2025, 5, 1), date(2025, 6, 1)),
    ):
        StallFlag.objects.create(
            case=p.cases[key], rule=rule, since=since, escalated_on=since, cleared_at=cleared and _at(cleared)
        )
