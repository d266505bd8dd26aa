"""Séances follow what casework services do to the cases on their agendas."""

from django.dispatch import receiver

from casework.signals import case_closed
from meetings import services


@receiver(case_closed, dispatch_uid="meetings.withdraw_closed_case")
def withdraw_closed_case(sender, case, by=None, **kwargs) -> None:
    """A case closed (in séance or outside it, or at the age limit) leaves the
    agendas where it still waits for a decision: no séance decides on,
    postpones or shows through its agenda a case that is no longer open."""
    services.case_agenda_withdraw(case=case, by=by)
