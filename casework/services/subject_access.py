"""Right of access (RGPD art. 15): producing, for the coordinator, everything held on one youth.

The production itself is recorded: an access-log row per case (channel
"export", reason "droit d'accès") and a journal entry on each case, in one
transaction, before the file is handed over.
"""

from django.db import transaction

from casework.models import Case, JournalEntry
from casework.services.journal import journal_log_many
from permissions.access_log import Channel, log_access
from permissions.visibility import Representation

ACCESS_REASON = "droit d'accès (RGPD art. 15)"


@transaction.atomic
def subject_access_record(*, cases: list[Case], by) -> None:
    """Log the production of a right-of-access file covering `cases`."""
    for case in cases:
        case.representation = Representation.FULL.value
    journal_log_many(
        entries=[
            {
                "case_id": case.pk,
                "actor": by,
                "kind": JournalEntry.Kind.OTHER,
                "summary": "Relevé du droit d'accès produit pour la personne concernée",
            }
            for case in cases
        ]
    )
    log_access(user=by, cases=cases, channel=Channel.EXPORT, reason=ACCESS_REASON)
