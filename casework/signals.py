"""Signals other apps listen to; casework does not import them.

- `case_closed_outside_parcours(sender=Case, case=…)`: sent inside the closing
  transaction when a service closes a case without its parcours (the age
  limit of the retention job). The parcours app ends the case's open
  processes, so that no task of a closed case stays in a queue or fires a
  reminder.
"""

from django.dispatch import Signal

case_closed_outside_parcours = Signal()
