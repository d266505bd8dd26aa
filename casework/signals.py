"""Signals other apps listen to; casework does not import them.

- `case_closed_outside_parcours(sender=Case, case=…)`: sent inside the closing
  transaction when a service closes a case without its parcours (the age
  limit of the retention job). The parcours app ends the case's open
  processes, so that no task of a closed case stays in a queue or fires a
  reminder.
- `case_closed(sender=Case, case=…, by=…)`: sent inside the closing
  transaction by every service that closes a case: classement at the examen
  (decisions.decision_record), closure at the examen du bilan
  (closure.case_close) and the age limit (retention.case_close_at_age_limit,
  `by` None). The meetings app withdraws the case's pending agenda items, so
  that no séance decides on, postpones or shows through its agenda a case
  that is no longer open.
- `referent_withdrawn(sender=ReferentDesignation, case=…, kind=…, referent=…)`:
  sent inside the withdrawing transaction when a référent's designation of
  `kind` is taken from them outside the parcours (their last seat in the
  partnership ended, casework.services.referents.referent_withdraw). The
  parcours app closes their open task of that branch, so that the flow goes
  back to the designation task of the coordinators, as after a refusal.
"""

from django.dispatch import Signal

case_closed = Signal()
case_closed_outside_parcours = Signal()
referent_withdrawn = Signal()
