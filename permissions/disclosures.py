"""Disclosure services: a coordinator shares a case's scoped summary with an institution.

Only institutions of `Institution.DISCLOSABLE_KINDS` (parquet, PJJ, SPIP) may
receive one, and only those competent for the case's commune (`competent_institutions`:
the parquet of its ressort judiciaire, the PJJ and SPIP services of its
département), for a stated reason, until an end date: 6 months by default, 12
at most. Expiry needs no job: visibility checks the dates at every read.
Creating and revoking write the case journal (kind "disclosure").
"""

import calendar
from datetime import date

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from casework.models import Case, Institution
from casework.services.errors import ServiceError
from casework.services.journal import journal_log
from permissions.access import is_signed_coordinator
from permissions.models import Disclosure
from permissions.services import case_grant_disclosed, case_revoke_disclosed

DEFAULT_MONTHS = 6
MAX_MONTHS = 12

NOT_COORDINATOR = "Seul un coordonnateur du partenariat, charte signée, peut partager cette situation."
NOT_DISCLOSABLE = "Une synthèse ne peut être partagée qu'avec le parquet, la PJJ ou le SPIP : « {institution} » n'en fait pas partie."
NO_REASON = "Indiquez le motif du partage."
ENDS_BEFORE_START = "La date de fin du partage doit être postérieure à sa date de début."
TOO_LONG = "Un partage dure au plus {months} mois : choisissez une date de fin au plus tard le {limit}."
STARTS_IN_PAST = "La date de début du partage ne peut pas être passée."
NOT_COMPETENT = (
    "« {institution} » n'est pas compétent pour la commune de la situation ({commune}) : "
    "partagez avec le parquet de son ressort ({tribunal}) ou les services PJJ et SPIP de son département."
)
CASE_CLOSED = "Cette situation n'est plus suivie : elle ne peut plus être partagée."
ALREADY_REVOKED = "Ce partage a déjà été révoqué."


def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months, clamped to the month's last day (31/08 + 6 → 28/02)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_end(starts_on: date) -> date:
    return add_months(starts_on, DEFAULT_MONTHS)


def competent_institutions(case: Case) -> QuerySet[Institution]:
    """The institutions `case` may be shared with: the parquet of its commune's
    ressort judiciaire, the PJJ and SPIP services of its commune's département
    (domain.md §2: the commune routes the magistrate's view). A summary sent
    to another jurisdiction would reach agents with no part in the case."""
    commune = case.commune
    return Institution.objects.filter(
        Q(kind=Institution.Kind.PARQUET, tribunal_id=commune.tribunal_id)
        | Q(
            kind__in=Institution.DISCLOSABLE_KINDS - {Institution.Kind.PARQUET},
            departement_id=commune.arrondissement.departement_id,
        )
    ).order_by("name")


@transaction.atomic
def disclosure_create(
    *,
    case: Case,
    institution: Institution,
    reason: str,
    by,
    starts_on: date | None = None,
    ends_on: date | None = None,
    decided_on: date | None = None,
) -> Disclosure:
    """Share the scoped summary of `case` with `institution`'s agents until `ends_on`.

    `decided_on` is the day of the decision (today by default): the dates are
    validated as of that day. Only the demo and imports replay past decisions.
    """
    if not is_signed_coordinator(by, case.partnership):
        raise ServiceError(NOT_COORDINATOR)
    if not case.is_open:
        raise ServiceError(CASE_CLOSED)
    if institution.kind not in Institution.DISCLOSABLE_KINDS:
        raise ServiceError(NOT_DISCLOSABLE.format(institution=institution))
    if not competent_institutions(case).filter(pk=institution.pk).exists():
        raise ServiceError(
            NOT_COMPETENT.format(
                institution=institution, commune=case.commune, tribunal=case.commune.tribunal
            )
        )
    reason = reason.strip()
    if not reason:
        raise ServiceError(NO_REASON)
    today = decided_on or timezone.localdate()
    starts_on = starts_on or today
    if starts_on < today:
        raise ServiceError(STARTS_IN_PAST)
    ends_on = ends_on or default_end(starts_on)
    if ends_on <= starts_on:
        raise ServiceError(ENDS_BEFORE_START)
    limit = add_months(starts_on, MAX_MONTHS)
    if ends_on > limit:
        raise ServiceError(TOO_LONG.format(months=MAX_MONTHS, limit=f"{limit:%d/%m/%Y}"))
    disclosure = Disclosure.objects.create(
        case=case,
        institution=institution,
        reason=reason,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=by,
    )
    case_grant_disclosed(case=case, institution=institution)
    journal_log(
        case=case,
        actor=by,
        kind="disclosure",
        summary=f"Synthèse restreinte partagée avec {institution} jusqu'au {ends_on:%d/%m/%Y}",
        note=reason,
        occurred_on=today,
        data={"disclosure": disclosure.pk, "institution": institution.pk, "action": "create"},
    )
    return disclosure


@transaction.atomic
def disclosure_revoke(*, disclosure: Disclosure, by) -> Disclosure:
    """End `disclosure` now; the institution loses the case unless another active disclosure remains."""
    disclosure = (
        Disclosure.objects.select_for_update().select_related("case", "institution").get(pk=disclosure.pk)
    )
    case = disclosure.case
    if not is_signed_coordinator(by, case.partnership):
        raise ServiceError(NOT_COORDINATOR)
    if disclosure.revoked_at is not None:
        raise ServiceError(ALREADY_REVOKED)
    disclosure.revoked_at = timezone.now()
    disclosure.revoked_by = by
    disclosure.save(update_fields=["revoked_at", "revoked_by"])
    case_revoke_disclosed(case=case, institution=disclosure.institution)
    journal_log(
        case=case,
        actor=by,
        kind="disclosure",
        summary=f"Partage avec {disclosure.institution} révoqué",
        data={"disclosure": disclosure.pk, "institution": disclosure.institution_id, "action": "revoke"},
    )
    return disclosure
