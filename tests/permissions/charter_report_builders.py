"""A hand-built year of charter life for the annual report's tests (2023–2025, CLSPD d'Arras
and CISPD de Lens-Liévin). Rows are written with their own dates, not through the services,
so that every figure of the report is known in advance; times are Paris local times.

CLSPD d'Arras:
- charter v1 adopted 01/03/2023, v2 15/06/2024, v3 01/01/2025;
- cells "Arras – centre" and "Arras – quartiers ouest" active, "Arras – ancienne" inactive;
- persons (seat → signatures):
  - coord (Sophie Signataire): coordinator since 2022; v1 on 31/12/2023 at 23:30, v2 on 01/07/2024;
  - leaver: member 01/05/2023 → 30/09/2024; v1;
  - newcomer: member since 01/02/2024; v2 on 31/12/2024 at 23:30;
  - late: member since 01/01/2025; v3 on 01/01/2025 at 00:10 (23:10 UTC the day before);
  - unsigned: member 01/01/2023 → 01/01/2025 (still a member on 31/12/2024); v1 only;
  - two_seats: member of both cells since 15/01/2023; v1 on 10/01/2024;
  - passing: member 01/03/2024 → 01/05/2024; never signs;
  - mover: centre 01/01/2023 → 01/04/2024, then ouest; v2 on 20/06/2024;
  - dpo: DPO since 01/03/2024 (never counted as a member).
- one case (youth Léa Martin) with break-the-glass requests, access-log rows and
  disclosures on both sides of each year boundary, and purge reports.

CISPD de Lens-Liévin: no charter; its coordinator sits since 01/01/2024; one read in 2024.
"""

from contextlib import contextmanager
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from unittest import mock
from zoneinfo import ZoneInfo

from casework.models import Cell, Membership, PurgeReport
from permissions.models import AccessLog, BreakGlassGrant, Charter, CharterSignature, Disclosure
from tests.factories import make_case, make_user, world

PARIS = ZoneInfo("Europe/Paris")
YOUTH_LAST_NAME = "Martin"
SIGNATORY = ("Sophie", "Signataire")


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


@contextmanager
def clock(moment: datetime):
    """Rows with auto_now_add dates (logs, requests) are written at `moment`."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def seat(user, partnership, role, started_on, ended_on=None, cell=None) -> Membership:
    return Membership.objects.create(
        user=user,
        partnership=partnership,
        cell=cell,
        institution=user.institution,
        role=role,
        started_on=started_on,
        ended_on=ended_on,
    )


def sign(user, charter: Charter, when: datetime) -> None:
    CharterSignature.objects.create(charter=charter, user=user, institution=user.institution, signed_at=when)


def read(case, user, channel: str, when: datetime, reason: str = "") -> None:
    with clock(when):
        AccessLog.objects.create(
            user=user,
            case=case,
            case_reference=case.reference,
            representation="full",
            channel=channel,
            reason=reason,
        )


def breakglass(case, user, status: str, when: datetime) -> None:
    with clock(when):
        BreakGlassGrant.objects.create(
            case=case,
            requested_by=user,
            reason="Besoin du dossier complet pour la séance",
            status=status,
            expires_at=when + timedelta(hours=72) if status == BreakGlassGrant.Status.APPROVED else None,
        )


def disclosure(case, institution, by, when: datetime) -> None:
    with clock(when):
        Disclosure.objects.create(
            case=case,
            institution=institution,
            reason="Protocole parquet",
            starts_on=when.date(),
            ends_on=when.date() + timedelta(days=30),
            created_by=by,
        )


def build_charter_years() -> SimpleNamespace:
    w = world()
    inst, cells, parts = w["institutions"], w["cells"], w["partnerships"]
    arras, lens = parts["arras"], parts["lens"]
    centre, ouest = cells["Arras – centre"], cells["Arras – quartiers ouest"]
    Cell.objects.create(partnership=arras, name="Arras – ancienne", kind=Cell.Kind.QUARTIER, is_active=False)
    v1 = Charter.objects.create(partnership=arras, version=1, text="v1", adopted_on=date(2023, 3, 1))
    v2 = Charter.objects.create(partnership=arras, version=2, text="v2", adopted_on=date(2024, 6, 15))
    v3 = Charter.objects.create(partnership=arras, version=3, text="v3", adopted_on=date(2025, 1, 1))

    role = Membership.Role
    coord = make_user(institution=inst["mairie_arras"], first_name=SIGNATORY[0], last_name=SIGNATORY[1])
    seat(coord, arras, role.COORDONNATEUR, date(2022, 1, 1))
    sign(coord, v1, at(2023, 12, 31, 23, 30))
    sign(coord, v2, at(2024, 7, 1))
    names = ("leaver", "newcomer", "late", "unsigned", "two_seats", "passing", "mover")
    people = {name: make_user(institution=inst["college"], last_name=name.capitalize()) for name in names}
    seat(people["leaver"], arras, role.MEMBRE, date(2023, 5, 1), date(2024, 9, 30), cell=centre)
    sign(people["leaver"], v1, at(2023, 6, 1))
    seat(people["newcomer"], arras, role.MEMBRE, date(2024, 2, 1), cell=centre)
    sign(people["newcomer"], v2, at(2024, 12, 31, 23, 30))
    seat(people["late"], arras, role.MEMBRE, date(2025, 1, 1), cell=ouest)
    sign(people["late"], v3, at(2025, 1, 1, 0, 10))
    seat(people["unsigned"], arras, role.MEMBRE, date(2023, 1, 1), date(2025, 1, 1), cell=ouest)
    sign(people["unsigned"], v1, at(2023, 3, 2))
    seat(people["two_seats"], arras, role.MEMBRE, date(2023, 1, 15), cell=centre)
    seat(people["two_seats"], arras, role.MEMBRE, date(2023, 1, 15), cell=ouest)
    sign(people["two_seats"], v1, at(2024, 1, 10))
    seat(people["passing"], arras, role.MEMBRE, date(2024, 3, 1), date(2024, 5, 1), cell=centre)
    seat(people["mover"], arras, role.MEMBRE, date(2023, 1, 1), date(2024, 4, 1), cell=centre)
    seat(people["mover"], arras, role.MEMBRE, date(2024, 4, 1), cell=ouest)
    sign(people["mover"], v2, at(2024, 6, 20))
    dpo = make_user(institution=inst["mairie_arras"], last_name="Délégué")
    seat(dpo, arras, role.DPO, date(2024, 3, 1))

    lens_coord = make_user(institution=inst["mairie_lens"], last_name="Lensois")
    seat(lens_coord, lens, role.COORDONNATEUR, date(2024, 1, 1))

    case = make_case(centre, first_name="Léa", last_name=YOUTH_LAST_NAME)
    lens_case = make_case(cells["Lens-Liévin"], first_name="Hugo", last_name="Lefebvre")
    asker = people["newcomer"]
    status = BreakGlassGrant.Status
    breakglass(case, asker, status.APPROVED, at(2023, 12, 31, 23, 30))
    breakglass(case, asker, status.APPROVED, at(2024, 3, 3))
    breakglass(case, asker, status.REFUSED, at(2024, 5, 5))
    breakglass(case, asker, status.PENDING, at(2024, 12, 31, 23, 30))
    breakglass(case, asker, status.REFUSED, at(2025, 1, 1, 0, 30))
    channel = AccessLog.Channel
    reason = "Demande du juge des enfants, courrier reçu"
    read(case, coord, channel.ARCHIVE, at(2023, 12, 31, 23, 30), reason)
    read(case, coord, channel.UI_DETAIL, at(2024, 2, 2))
    read(case, coord, channel.UI_LIST, at(2024, 2, 2))
    read(case, coord, channel.EXPORT, at(2024, 8, 8))
    read(case, coord, channel.ARCHIVE, at(2024, 10, 10), reason)
    read(case, coord, channel.UI_DETAIL, at(2024, 12, 31, 23, 59))
    read(case, coord, channel.UI_DETAIL, at(2025, 1, 1, 0, 30))
    read(lens_case, lens_coord, channel.UI_DETAIL, at(2024, 6, 6))
    disclosure(case, inst["parquet_arras"], coord, at(2024, 4, 4))
    disclosure(case, inst["parquet_arras"], coord, at(2025, 1, 1, 0, 30))
    for run_on, counts in [
        (date(2023, 12, 31), {"cases_purged": 5}),
        (date(2024, 5, 1), {"cases_purged": 2, "cases_archived": 3, "youths": 2}),
        (date(2024, 12, 31), {"cases_archived": 1}),
        (date(2025, 1, 1), {"cases_purged": 7}),
    ]:
        PurgeReport.objects.create(partnership=arras, run_on=run_on, counts=counts)
    return SimpleNamespace(
        world=w,
        arras=arras,
        lens=lens,
        coord=coord,
        lens_coord=lens_coord,
        dpo=dpo,
        people=people,
        case=case,
        charters=(v1, v2, v3),
    )
