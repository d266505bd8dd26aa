"""Right of access (RGPD art. 15): producing, for the coordinator, everything held on one youth.

Whose file. Each signalement keeps the identity it was typed with in a youth
row of its own (casework.services.cases.case_signal). The file covers the
youth row of the case asked for and that row's cases. The partnership's other
rows with the same name key and birth date are only *possibly* the same
person: the same test flags a « Doublon possible » and no more, and two
namesakes born the same day pass it. They are candidates
(`subject_access_candidates`), listed to the coordinator by reference, and a
candidate's identity and cases go into the file only when the coordinator
confirms that candidate. `subject_access_record` refuses a file that holds
any other case, so nobody else's file can be handed over.

The production itself is recorded: an access-log row per case included
(channel "export", reason "droit d'accès") and a journal entry on each of
those cases, in one transaction, before the file is handed over.
"""

from django.db import transaction
from django.db.models import QuerySet

from casework.models import Case, JournalEntry
from casework.services.errors import ServiceError
from casework.services.journal import journal_log_many
from permissions.access_log import Channel, log_access
from permissions.visibility import Representation

ACCESS_REASON = "droit d'accès (RGPD art. 15)"
NOT_THIS_PERSON = (
    "La situation {reference} ne fait pas partie des possibles doublons de cette personne : "
    "elle ne peut pas figurer dans son relevé."
)


def subject_access_candidates(case: Case) -> QuerySet[Case]:
    """The cases (not purged, archived ones included) of the partnership's other youth rows
    with the same name key and birth date as `case`'s: possibly the same person, possibly
    a namesake born the same day. Oldest signalement first."""
    youth = case.youth
    return (
        Case.objects.filter(
            youth__partnership_id=youth.partnership_id,
            youth__identity_key=youth.identity_key,
            youth__birth_date=youth.birth_date,
        )
        .exclude(youth_id=youth.pk)
        .exclude(status=Case.Status.PURGE)
        .order_by("signaled_on", "pk")
    )


@transaction.atomic
def subject_access_record(*, case: Case, cases: list[Case], by) -> None:
    """Log the production of the right-of-access file of `case`'s youth, covering `cases`:
    the cases of that youth row and of the candidates the coordinator confirmed.

    Raises ServiceError (nothing logged) when `cases` holds a case that is neither of
    `case`'s youth row nor a candidate (`subject_access_candidates`)."""
    allowed = set(subject_access_candidates(case).values_list("pk", flat=True))
    for other in cases:
        if other.youth_id != case.youth_id and other.pk not in allowed:
            raise ServiceError(NOT_THIS_PERSON.format(reference=other.reference))
    for other in cases:
        other.representation = Representation.FULL.value
    journal_log_many(
        entries=[
            {
                "case_id": other.pk,
                "actor": by,
                "kind": JournalEntry.Kind.OTHER,
                "summary": "Relevé du droit d'accès produit pour la personne concernée",
                # The case asked for: which production included this one.
                "data": {"subject_access_of": case.pk},
            }
            for other in cases
        ]
    )
    log_access(user=by, cases=cases, channel=Channel.EXPORT, reason=ACCESS_REASON)
