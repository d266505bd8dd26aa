"""Shared steps of the privacy tests."""

from datetime import date, timedelta

from casework.models import Case
from casework.services.retention import retention_run

# A reason for opening an archived file or producing a right-of-access file.
REASON = "Demande d'accès de la personne reçue le 3 mars"


def archive(case: Case) -> Case:
    """Close `case` two days ago and let the retention job move it to the
    intermediate archive (the path production takes); the case, refreshed."""
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.CLOS, closed_on=date.today() - timedelta(days=2)
    )
    retention_run(today=date.today())
    case.refresh_from_db()
    assert case.status == Case.Status.ARCHIVE
    return case
