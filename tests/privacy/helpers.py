"""Shared steps of the privacy tests."""

from datetime import timedelta

from django.utils import timezone

from casework.models import Case
from casework.services.journal import journal_log
from casework.services.retention import retention_run

# A reason for opening an archived file or producing a right-of-access file.
REASON = "Demande d'accès de la personne reçue le 3 mars"


def archive(case: Case) -> Case:
    """Close `case` two days ago and let the retention job move it to the
    intermediate archive (the path production takes); the case, refreshed."""
    return archive_all([case])[0]


def archive_all(cases: list[Case]) -> list[Case]:
    """`archive` for many cases, in one run of the retention job; the cases, refreshed."""
    Case.objects.filter(pk__in=[case.pk for case in cases]).update(
        status=Case.Status.CLOS, closed_on=timezone.localdate() - timedelta(days=2)
    )
    retention_run(today=timezone.localdate())
    for case in cases:
        case.refresh_from_db()
        assert case.status == Case.Status.ARCHIVE
    return cases


def grow_journal(case: Case, actor, total: int, *, summary: str = "Événement {index}") -> int:
    """Append entries to `case`'s journal until it holds `total`; each summary is `summary`
    with its index (0 for the first added). The number of entries added."""
    added = max(0, total - case.journal.count())
    for index in range(added):
        journal_log(case=case, actor=actor, kind="other", summary=summary.format(index=index))
    return added
