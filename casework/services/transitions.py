"""Status guard shared by the casework services."""

from casework.models import Case
from casework.services.errors import TransitionNotAllowed

WRONG_STATUS = "Impossible : la situation {reference} est « {status} » ({expected} attendu)."


def require_status(case: Case, *allowed: str) -> None:
    """Raise TransitionNotAllowed unless `case.status` is one of `allowed`.

    The row is re-read under a lock first: two services racing on one case
    (two browser tabs, a timer and a user) see each other's committed status.
    """
    current = Case.objects.select_for_update().values_list("status", flat=True).get(pk=case.pk)
    case.status = current
    if current not in allowed:
        expected = " ou ".join(f"« {Case.Status(s).label} »" for s in allowed)
        raise TransitionNotAllowed(
            WRONG_STATUS.format(reference=case.reference, status=case.get_status_display(), expected=expected)
        )


def set_status(case: Case, status: str) -> str:
    """Set and save the status; return the previous one (for the journal's from → to)."""
    previous = case.status
    case.status = status
    case.save(update_fields=["status", "updated_at"])
    return previous
