"""What a case list's rows show beside the case's own columns: the motifs, open
stall flags and overdue steps of the page's cases, read in one statement.

A list page reads them for its 25 to 50 cases on every request. As three ORM
querysets they cost ~3 ms to build and run, as one statement ~0.6 ms
(`python -m bench.profile`, bench/HISTORY.md). On PostgreSQL the statement is
compiled once per process from the very querysets that define the sections
(`CaseMotif`, `StallFlag.objects.open()`, `PendingStep.objects.overdue()`),
with the page's ids bound as arrays: a change to those definitions reaches it
on the next start. Elsewhere (SQLite, `make run`) the three querysets run as such.
"""

from dataclasses import dataclass
from datetime import date
from functools import cache

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from casework.models import CaseMotif, PendingStep
from notifications.lateness import OpenFlag
from notifications.models import StallFlag


@dataclass(frozen=True)
class RowSections:
    """By case id: motif codes (sorted), open flags (oldest first), overdue steps `(step, due_on)`."""

    motifs: dict[int, list[str]]
    flags: dict[int, list[OpenFlag]]
    steps: dict[int, list[tuple[str, date]]]


def _querysets(motif_ids, late_ids) -> tuple[QuerySet, QuerySet, QuerySet]:
    """The three sections as querysets of tuples (case id first), unordered."""
    return (
        CaseMotif.objects.filter(case_id__in=motif_ids).order_by().values_list("case_id", "code"),
        StallFlag.objects.open()
        .filter(case_id__in=late_ids)
        .order_by()
        .values_list("case_id", "rule", "since", "level", "id"),
        PendingStep.objects.overdue()
        .filter(case_id__in=late_ids)
        .order_by()
        .values_list("case_id", "step", "due_on"),
    )


@cache
def _statement() -> str:
    """The three querysets as one PostgreSQL statement, each filtered on an id
    array parameter: (kind, case id, code, day, level, flag id) rows."""
    ids = RawSQL("SELECT unnest(%s::bigint[])", [[]])
    parts = []
    for queryset in _querysets(ids, ids):
        sql, params = queryset.query.sql_with_params()
        if list(params) != [[]]:  # our array must be the only parameter, or the binding would shift
            raise ValueError(f"Unexpected parameters in a row section's query: {params!r}")
        parts.append(sql)
    motifs, flags, steps = parts
    return (
        f"SELECT 1, m.c0, m.c1, NULL::date, NULL::integer, NULL::bigint FROM ({motifs}) m (c0, c1)"
        f" UNION ALL SELECT 2, f.c0, f.c1, f.c2, f.c3, f.c4 FROM ({flags}) f (c0, c1, c2, c3, c4)"
        f" UNION ALL SELECT 3, s.c0, s.c1, s.c2, NULL, NULL FROM ({steps}) s (c0, c1, c2)"
    )


def _rows(motif_ids: list[int], late_ids: list[int]):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_statement(), [motif_ids, late_ids, late_ids])
            yield from cursor.fetchall()
        return
    motifs, flags, steps = _querysets(motif_ids, late_ids)
    yield from ((1, case_id, code, None, None, None) for case_id, code in motifs)
    yield from ((2, *flag) for flag in flags)
    yield from ((3, case_id, step, due_on, None, None) for case_id, step, due_on in steps)


def row_sections(*, motif_ids: list[int], late_ids: list[int]) -> RowSections:
    """The motifs of the cases `motif_ids` and the lateness (open flags, overdue
    steps) of the cases `late_ids`, in one query: each case's sections are read
    only where its representation shows them (the caller's id lists). No query
    when both lists are empty (a page of scoped summaries)."""
    if not motif_ids and not late_ids:
        return RowSections(motifs={}, flags={}, steps={})
    motifs: dict[int, list[str]] = {}
    flags: dict[int, list[tuple]] = {}
    steps: dict[int, list[tuple[str, date]]] = {}
    for kind, case_id, code, day, level, flag_id in _rows(motif_ids, late_ids):
        if kind == 1:
            motifs.setdefault(case_id, []).append(code)
        elif kind == 2:
            flags.setdefault(case_id, []).append((day, flag_id, OpenFlag(code, day, level)))
        else:
            steps.setdefault(case_id, []).append((code, day))
    return RowSections(
        motifs={case_id: sorted(codes) for case_id, codes in motifs.items()},
        # Oldest first, as StallFlag's open flags are listed elsewhere (since, id).
        flags={case_id: [flag for *_, flag in sorted(items)] for case_id, items in flags.items()},
        steps=steps,
    )
