"""Signalement: creating a youth's case in a cell."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import F

from casework.models import Case, CaseMotif, Cell, Institution, ReferenceSequence, Youth
from casework.models.youth import identity_key
from casework.services import dates
from casework.services.errors import ServiceError
from casework.services.journal import journal_log
from permissions import services as access

AGE_OUT_OF_RANGE = (
    "Ce jeune a {age} ans {when} : le dispositif concerne les jeunes de "
    "{min_age} à {max_age} ans (jusqu'à la veille de leurs {max_age} ans)."
)
ON_SIGNALEMENT_DAY = "à la date du signalement"
ON_TODAY = "aujourd'hui"
COMMUNE_OUTSIDE_CELL = "La commune {commune} n'est pas couverte par la cellule « {cell} »."
NO_MOTIF = "Indiquez au moins un motif de repérage."


@dataclass(frozen=True)
class YouthIdentity:
    first_name: str
    last_name: str
    birth_date: date
    sex: str
    commune_id: int


def age_on(birth_date: date, day: date) -> int:
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def check_age(birth_date: date, signaled_on: date) -> None:
    """Refuse a signalement outside the configured age bounds, on the
    signalement's day and today (a backdated signalement must not admit a
    youth who has turned 25 since).

    The youth is at least YOUTH_MIN_AGE and under YOUTH_MAX_AGE: nothing is
    kept from the 25th birthday on (the retention closes and purges the case
    that day, casework.services.retention).
    """
    for day, when in ((signaled_on, ON_SIGNALEMENT_DAY), (dates.today(), ON_TODAY)):
        age = age_on(birth_date, day)
        if not settings.YOUTH_MIN_AGE <= age < settings.YOUTH_MAX_AGE:
            raise ServiceError(
                AGE_OUT_OF_RANGE.format(
                    age=age, when=when, min_age=settings.YOUTH_MIN_AGE, max_age=settings.YOUTH_MAX_AGE
                )
            )


def check_signaled_on(signaled_on: date) -> None:
    """Refuse a signalement dated in the future."""
    dates.check_date(signaled_on, what="La date du signalement")


def find_open_duplicates(*, partnership, first_name: str, last_name: str, birth_date: date):
    """Open cases of the same youth (name without accents/case + birth date) in the partnership."""
    return Case.objects.filter(
        partnership=partnership,
        status__in=Case.OPEN_STATUSES,
        youth__identity_key=identity_key(first_name, last_name),
        youth__birth_date=birth_date,
    )


def next_reference(partnership, year: int) -> str:
    seq, _ = ReferenceSequence.objects.select_for_update().get_or_create(partnership=partnership, year=year)
    ReferenceSequence.objects.filter(pk=seq.pk).update(last_value=F("last_value") + 1)
    seq.refresh_from_db()
    return f"{partnership.code.upper()}-{year}-{seq.last_value:04d}"


@transaction.atomic
def case_signal(
    *,
    cell: Cell,
    identity: YouthIdentity,
    source_institution: Institution,
    motifs: list[str],
    profil: str,
    plan_measure: str,
    signaled_on: date,
    by,
) -> Case:
    """Record a signalement: youth + case in status SIGNALE, journal entry, structural grants.

    Raises ServiceError (French message) on a date in the future, ages out of
    bounds (on `signaled_on` or today), a commune outside the cell, or no
    motif. Duplicates are *not* refused here: the form warns with
    `find_open_duplicates` and lets the user confirm.
    """
    check_signaled_on(signaled_on)
    check_age(identity.birth_date, signaled_on)
    if not motifs:
        raise ServiceError(NO_MOTIF)
    if not cell.communes.filter(pk=identity.commune_id).exists():
        from casework.models import Commune

        raise ServiceError(
            COMMUNE_OUTSIDE_CELL.format(commune=Commune.objects.get(pk=identity.commune_id), cell=cell)
        )
    # Each signalement keeps the identity as its signaller typed it, in a row
    # of its own: reusing an earlier row would show them another case's
    # spelling, sex and commune, and so tell them that a file exists (the
    # earlier case may be in another cell, or archived). The person's cases
    # stay linked by name key + birth date (possible duplicates only:
    # casework.services.subject_access.subject_access_candidates) and,
    # for the indicators, by the pseudonymous youth number of their first one.
    key = identity_key(identity.first_name, identity.last_name)
    earlier_number = (
        Case.objects.filter(
            partnership=cell.partnership,
            youth__identity_key=key,
            youth__birth_date=identity.birth_date,
            youth_number__isnull=False,
        )
        .order_by("signaled_on", "pk")
        .values_list("youth_number", flat=True)
        .first()
    )
    youth = Youth.objects.create(
        partnership=cell.partnership,
        first_name=identity.first_name.strip(),
        last_name=identity.last_name.strip(),
        birth_date=identity.birth_date,
        sex=identity.sex,
        commune_id=identity.commune_id,
    )
    case = Case.objects.create(
        reference=next_reference(cell.partnership, signaled_on.year),
        partnership=cell.partnership,
        cell=cell,
        youth=youth,
        youth_number=earlier_number or youth.pk,
        source_institution=source_institution,
        signaled_by=by,
        signaled_on=signaled_on,
        profil=profil,
        plan_measure=plan_measure,
        status=Case.Status.SIGNALE,
        age_at_signalement=age_on(identity.birth_date, signaled_on),
        sex=identity.sex,
        commune_id=identity.commune_id,
    )
    CaseMotif.objects.bulk_create([CaseMotif(case=case, code=code) for code in dict.fromkeys(motifs)])
    journal_log(
        case=case,
        actor=by,
        kind="signalement",
        summary=f"Signalement par {source_institution}",
        to_status=case.status,
        occurred_on=signaled_on,
    )
    earlier = find_open_duplicates(
        partnership=cell.partnership,
        first_name=identity.first_name,
        last_name=identity.last_name,
        birth_date=identity.birth_date,
    ).exclude(pk=case.pk)
    references = ", ".join(earlier.values_list("reference", flat=True))
    if references:
        # Seen by full readers (coordinators) only: the signalling member may
        # not know of a case outside their scope.
        journal_log(
            case=case,
            actor=by,
            kind="duplicate",
            summary=f"Doublon possible : situation(s) ouverte(s) pour le même jeune ({references})"[:200],
            occurred_on=signaled_on,
        )
    access.case_grant_structural(case=case)
    return case
