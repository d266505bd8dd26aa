"""Information of the person (domain.md §4.8; charter 2010, CNIL 2020).

The youth, and for a minor the holders of parental authority, must be told
individually that they are followed, by whom and why; their adhesion is what
the référent approach rests on. When someone cannot or must not be informed,
the reason is recorded instead. `require_information` is the gate that the
référent follow-up (acceptance of the designation) goes through.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from casework.models import Case, JournalEntry, PersonInformation
from casework.services.errors import ServiceError
from casework.services.journal import journal_log

Addressee = PersonInformation.Addressee

MAJORITY_AGE = 18

CASE_NOT_OPEN = "La situation n'est plus suivie : l'information ne peut plus être enregistrée."
FUTURE_DATE = "La date d'information ne peut pas être dans le futur."
BEFORE_SIGNALEMENT = "La date d'information précède le signalement."
NO_REASON = "Indiquez pourquoi la personne n'a pas été informée (sans nom ni détail de santé)."
NOT_A_MINOR = "Le jeune est majeur : l'information des titulaires de l'autorité parentale n'est pas requise."
MISSING = (
    "Le suivi par un référent ne peut pas commencer : {who} pas encore été informé(s) de ce suivi "
    "(ou le motif de l'absence d'information n'est pas consigné). Indiquez dans la réponse à la désignation "
    "la date de l'information ou, pour qui ne peut pas être informé, pourquoi."
)
MISSING_WHO = {
    Addressee.JEUNE: "le jeune n'a",
    Addressee.AUTORITE_PARENTALE: "les titulaires de l'autorité parentale n'ont",
}


def is_minor(case: Case, on: date) -> bool:
    return case.youth is not None and case.youth.age_on(on) < MAJORITY_AGE


def required_addressees(case: Case, on: date | None = None) -> list[str]:
    """Who must be informed: the youth, plus the holders of parental authority for a minor."""
    on = on or timezone.localdate()
    addressees = [Addressee.JEUNE]
    if is_minor(case, on):
        addressees.append(Addressee.AUTORITE_PARENTALE)
    return addressees


def missing_information(case: Case, on: date | None = None) -> list[str]:
    """Required addressees with neither an information nor a recorded reason."""
    covered = set(case.informations.values_list("addressee", flat=True))
    return [addressee for addressee in required_addressees(case, on) if addressee not in covered]


def require_information(case: Case, on: date | None = None) -> None:
    """Raise ServiceError (French) unless everyone required was informed or a reason was recorded."""
    missing = missing_information(case, on)
    if missing:
        raise ServiceError(MISSING.format(who=" et ".join(MISSING_WHO[a] for a in missing)))


def _check(case: Case, addressee: str, on: date) -> None:
    if not case.is_open:
        raise ServiceError(CASE_NOT_OPEN)
    if addressee == Addressee.AUTORITE_PARENTALE and not is_minor(case, on):
        raise ServiceError(NOT_A_MINOR)


@transaction.atomic
def information_record(
    *, case: Case, addressee: str, informed_on: date, channel: str, adhesion: str, by
) -> PersonInformation:
    """Record that `addressee` was informed on `informed_on` through `channel`, and their adhesion."""
    _check(case, addressee, informed_on)
    if informed_on > timezone.localdate():
        raise ServiceError(FUTURE_DATE)
    if informed_on < case.signaled_on:
        raise ServiceError(BEFORE_SIGNALEMENT)
    information = PersonInformation(
        case=case,
        addressee=addressee,
        informed_on=informed_on,
        channel=channel,
        adhesion=adhesion,
        recorded_by=by,
    )
    information.full_clean()
    information.save()
    journal_log(
        case=case,
        actor=by,
        kind=JournalEntry.Kind.INFORMATION,
        summary=(
            f"Information – {information.get_addressee_display()} ({information.get_channel_display().lower()}) :"
            f" {information.get_adhesion_display().lower()}"
        ),
        occurred_on=informed_on,
        data={"addressee": addressee, "channel": channel, "adhesion": adhesion},
    )
    return information


@transaction.atomic
def information_not_given(*, case: Case, addressee: str, reason: str, by) -> PersonInformation:
    """Record why `addressee` was not (or cannot be) informed; this also opens the référent gate."""
    today = timezone.localdate()
    _check(case, addressee, today)
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ServiceError(NO_REASON)
    information = PersonInformation(
        case=case, addressee=addressee, not_informed_reason=reason, recorded_by=by
    )
    information.full_clean()
    information.save()
    journal_log(
        case=case,
        actor=by,
        kind=JournalEntry.Kind.INFORMATION,
        summary=f"Absence d'information – {information.get_addressee_display()} (motif consigné)",
        occurred_on=today,
        note=reason,
        data={"addressee": addressee, "informed": False},
    )
    return information
