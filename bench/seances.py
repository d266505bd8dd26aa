"""Séances of the bench's cells: one a month for the last two years, closed, and
the next one planned, with attendance and agendas.

Bulk rows shaped like those the séance services write (meetings.services):
the cell's signed members invited and present, an agenda of the cell's cases
decided as reviews ("suivi poursuivi"), the next séance's agenda pending.
What the séance pages and the indicators ("cellules réunies") read.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from bench.world import World
from casework.models import Case
from meetings.models import AgendaItem, Attendance, ReviewOutcome, Seance

MONTHS = 24
PRESENT = 8  # members present at a séance, at most
AGENDA = 8  # cases on a séance's agenda, at most


def fill_seances(world: World, rng: random.Random) -> int:
    """Create the séances, their attendance and agendas; returns the number of séances."""
    today = timezone.localdate()
    cases_by_cell: dict[int, list[tuple[int, object]]] = {}
    for pk, cell_id, signaled_on in Case.objects.values_list("pk", "cell_id", "signaled_on"):
        cases_by_cell.setdefault(cell_id, []).append((pk, signaled_on))

    planned: list[tuple[Seance, list, list, object]] = []
    for group in world.partnerships:
        coordinator = group.coordinators[0]
        for cell in group.cells:
            members = group.members.get(cell.pk, [])
            for month in range(MONTHS, -1, -1):  # month 0: the next séance, two weeks ahead
                day = today - timedelta(days=30 * month - 14)
                starts_at = timezone.make_aware(datetime.combine(day, time(14, 0)))
                held = month > 0
                seance = Seance(
                    cell=cell,
                    starts_at=starts_at,
                    place=f"Mairie, salle {cell.pk % 5 + 1}",
                    status=Seance.Status.CLOSED if held else Seance.Status.PLANNED,
                    created_by=coordinator,
                    closed_at=starts_at + timedelta(hours=2) if held else None,
                )
                signalled = [pk for pk, signaled_on in cases_by_cell.get(cell.pk, []) if signaled_on <= day]
                agenda = rng.sample(signalled, min(AGENDA, len(signalled)))
                present = rng.sample(members, min(PRESENT, len(members)))
                planned.append((seance, agenda, present, coordinator))
    Seance.objects.bulk_create([seance for seance, *_ in planned], batch_size=1000)

    items, attendances = [], []
    outcome = ReviewOutcome.POURSUIVI
    for seance, agenda, present, coordinator in planned:
        held = seance.status == Seance.Status.CLOSED
        for position, case_id in enumerate(agenda, 1):
            items.append(
                AgendaItem(
                    seance=seance,
                    case_id=case_id,
                    kind=AgendaItem.Kind.REVIEW,
                    position=position,
                    status=AgendaItem.Status.DECIDED if held else AgendaItem.Status.PENDING,
                    decision_summary=outcome.label if held else "",
                    decision_data={"outcome": outcome.value} if held else {},
                    decided_at=seance.starts_at + timedelta(minutes=10 * position) if held else None,
                    decided_by=coordinator if held else None,
                    added_by=coordinator,
                )
            )
        for user in present:
            attendances.append(
                Attendance(
                    seance=seance,
                    user=user,
                    institution_id=user.institution_id,
                    invited=True,
                    invited_at=seance.starts_at - timedelta(days=10),
                    present=True if held else None,
                    recorded_at=seance.starts_at if held else None,
                )
            )
    AgendaItem.objects.bulk_create(items, batch_size=2000)
    Attendance.objects.bulk_create(attendances, batch_size=2000)
    return len(planned)
