from datetime import date

from django.utils import timezone

from casework.models import Case, JournalEntry


def journal_log(
    *,
    case: Case,
    actor,
    kind: str,
    summary: str,
    from_status: str = "",
    to_status: str = "",
    occurred_on: date | None = None,
    **fields,
) -> JournalEntry:
    """Append one journal entry. Call inside the service's transaction."""
    return JournalEntry.objects.create(
        case=case,
        actor=actor if getattr(actor, "pk", None) else None,
        kind=kind,
        summary=summary,
        from_status=from_status,
        to_status=to_status,
        occurred_on=occurred_on or timezone.localdate(),
        **fields,
    )


def journal_log_many(*, entries: list[dict]) -> list[JournalEntry]:
    """Append many journal entries in one INSERT (scans and batch jobs).

    Each dict takes `journal_log`'s fields, with `case_id` instead of `case`.
    Call inside the caller's transaction.
    """
    today = timezone.localdate()
    return JournalEntry.objects.bulk_create(
        [JournalEntry(**{"occurred_on": today, **entry}) for entry in entries]
    )
