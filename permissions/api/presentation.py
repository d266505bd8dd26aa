"""Case data as plain dicts, section by section, following the representation policy.

Used by the read API (and usable by exports): `present_cases(cases, user)` turns
cases fetched through `visible_cases` into dicts whose keys are exactly the
sections their representation allows (`permissions.representations`). A key
that the policy hides is absent, not null. Related rows are loaded in a
fixed number of queries for the whole page, each over the rows whose
representation shows it (`load_related`).

The journal is the one section that grows without bound (a file followed for
years has hundreds of entries): a case embeds only its latest entries, with
their total and the URL of the endpoint that pages them all (`journal_url`).
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from casework.models import (
    Bilan,
    Case,
    CaseMotif,
    CddfReferral,
    Decision,
    JournalEntry,
    RappelALOrdre,
    ReferentDesignation,
)
from notifications.selectors import stall_reasons
from permissions.access import journal_filter
from permissions.models import Disclosure
from permissions.representations import Policy, policy_for
from workflows.list_rows import row_sections
from workflows.views.cases import JOURNAL_PREVIEW

# Journal entries a case embeds in a list page. Embedding every journal, a
# coordinator's 100-row page carried ~1,000 entries; a list needs the recent
# activity at a glance, the rest is one request away (`journal_url`).
LIST_JOURNAL_PREVIEW = 5
# The detail embeds as many as the HTML case file shows.
DETAIL_JOURNAL_PREVIEW = JOURNAL_PREVIEW
# Entries per page of the journal endpoint (`api:case-journal`).
JOURNAL_PAGE_SIZE = 50


def with_related(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """The cases with the rows they point to; what they own comes after the
    representation is known (`load_related`)."""
    return queryset.select_related("youth", "commune", "cell", "source_institution", "signaled_by")


def _owned_rows() -> list[tuple[tuple[str, ...], str, QuerySet]]:
    """For each kind of row a case owns: the sections that read it, the
    attribute it is attached as, and its queryset (in the order the API lists
    the rows)."""
    return [
        (("motifs",), "motif_rows", CaseMotif.objects.order_by("code")),
        (("orientations",), "decision_rows", Decision.objects.all()),
        (("measures",), "rappel_rows", RappelALOrdre.objects.all()),
        (("measures",), "cddf_rows", CddfReferral.objects.all()),
        (
            ("measures", "referent"),
            "designation_rows",
            ReferentDesignation.objects.select_related("referent", "institution").order_by("opened_on", "id"),
        ),
        (("bilan_outcomes",), "bilan_rows", Bilan.objects.all()),
        (("disclosures",), "disclosure_rows", Disclosure.objects.select_related("institution")),
    ]


def _rows_by_case(rows: QuerySet, cases: list[Case]) -> dict[int, list]:
    by_case = defaultdict(list)
    if cases:
        for row in rows.filter(case_id__in=[case.pk for case in cases]):
            by_case[row.case_id].append(row)
    return by_case


def journal_entries(user) -> QuerySet[JournalEntry]:
    """The journal entries `user` reads (`journal_filter`), newest first, with their actor.

    Callers narrow it to cases whose representation shows the journal."""
    return JournalEntry.objects.filter(journal_filter(user)).select_related("actor").order_by("-at", "-id")


def _latest_journal(user, cases: list[Case], limit: int) -> dict[int, tuple[list[JournalEntry], int]]:
    """For each of `cases` that has entries `user` reads: its `limit` latest
    ones, oldest first, and how many it has in all.

    One query whatever the size of the journals: each case's entries are
    ranked newest first and counted by window functions, and only the first
    `limit` ranks come back (a query per case was N+1; fetching every entry to
    keep the latest in Python brought a whole long file for 5 rows). Cases
    without entries are absent from the result."""
    if not cases:
        return {}
    rows = (
        journal_entries(user)
        .filter(case_id__in=[case.pk for case in cases])
        .annotate(
            rank=Window(RowNumber(), partition_by=F("case_id"), order_by=("-at", "-id")),
            total=Window(Count("id"), partition_by=F("case_id")),
        )
        .filter(rank__lte=limit)
        # Oldest first within each case: the order the embedded journal always had.
        .order_by("case_id", "at", "id")
    )
    latest: dict[int, tuple[list[JournalEntry], int]] = {}
    for row in rows:
        entries, _ = latest.setdefault(row.case_id, ([], row.total))
        entries.append(row)
    return latest


def load_related(cases: list[Case], user, *, journal_limit: int) -> None:
    """Attach to each case the rows its representation's sections read, and
    only those: a case whose policy hides a section does not load its rows,
    and reading them fails (no attribute). One query per kind of row, over the
    cases showing it; none when no case does. `journal_rows` holds the
    `journal_limit` latest entries `user` reads (`journal_filter`), oldest
    first, and `journal_total` how many of them there are in all.

    Grouped by hand rather than by `prefetch_related`, which builds a related
    manager per case and kind of row (~200 querysets on a 50-row page)."""

    def showing(*sections: str) -> list[Case]:
        return [case for case in cases if any(s in policy_for(case.representation) for s in sections)]

    for sections, attribute, rows in _owned_rows():
        among = showing(*sections)
        by_case = _rows_by_case(rows, among)
        for case in among:
            setattr(case, attribute, by_case[case.pk])
    journaled = showing("journal")
    latest = _latest_journal(user, journaled, journal_limit)
    for case in journaled:
        case.journal_rows, case.journal_total = latest.get(case.pk, ([], 0))
    late = showing("overdue")
    # Open flags and overdue steps in one query, as the case list's rows read them.
    lateness = row_sections(motif_ids=[], late_ids=[case.pk for case in late])
    for case in late:
        case.open_stall_flags = lateness.flags.get(case.pk, [])
        case.stalled = bool(case.open_stall_flags)
        case.is_overdue = case.pk in lateness.steps


def _name(user) -> str | None:
    return (user.get_full_name() or user.username) if user is not None else None


def current_referent(case: Case) -> ReferentDesignation | None:
    return next((d for d in case.designation_rows if d.is_current), None)


def journal_url(case_pk: int, request=None) -> str:
    """Where a case's whole journal is paged (`api:case-journal`): absolute
    when `request` is given, as DRF's pagination links are; a path otherwise."""
    path = reverse("api:case-journal", args=[case_pk])
    return request.build_absolute_uri(path) if request is not None else path


def present_case(case: Case, today=None, request=None) -> dict:
    """One case as a dict of the sections its `representation` shows (after `load_related`).

    With the journal: `journal` (the loaded latest entries, oldest first),
    `journal_total` (every entry the reader reads) and `journal_url`."""
    today = today or timezone.localdate()
    policy: Policy = policy_for(case.representation)
    free_text = "free_text" in policy
    data: dict = {
        "id": case.pk,
        "reference": case.reference,
        "representation": policy.representation.value,
        "status": case.status,
    }
    youth = case.youth
    if "identity" in policy:
        data["youth"] = (
            {
                "first_name": youth.first_name,
                "last_name": youth.last_name,
                "birth_date": youth.birth_date,
                "sex": youth.sex,
            }
            if youth
            else None
        )
    if "age" in policy:
        data["age_at_signalement"] = case.age_at_signalement
        data["age"] = youth.age_on(today) if youth else None
    if "commune" in policy:
        data["commune"] = {"insee_code": case.commune.insee_code, "name": case.commune.name}
    if "cell" in policy:
        data["cell"] = {"id": case.cell_id, "name": case.cell.name}
    if "motifs" in policy:
        data["motifs"] = [m.code for m in case.motif_rows]
    if "profil" in policy:
        data["profil"] = case.profil
    if "plan_measure" in policy:
        data["plan_measure"] = case.plan_measure
    if "source" in policy:
        data["source_institution"] = case.source_institution.name
        data["signaled_by"] = _name(case.signaled_by)
    if "dates" in policy:
        data["signaled_on"] = case.signaled_on
        data["examined_on"] = case.examined_on
        data["closed_on"] = case.closed_on
    if "closure" in policy:
        data["closure_reason"] = case.closure_reason
    if "orientations" in policy:
        data["orientations"] = list(
            dict.fromkeys(code for decision in case.decision_rows for code in decision.orientations)
        )
    if "measures" in policy:
        data["measures"] = _measures(case, free_text=free_text)
    if "overdue" in policy:
        data["overdue"] = case.is_overdue
        data["stalled"] = case.stalled
        data["stalled_reasons"] = stall_reasons(case)
    if "referent" in policy:
        designation = current_referent(case)
        data["referent"] = (
            {
                "name": _name(designation.referent),
                "institution": designation.institution.name if designation.institution else None,
            }
            if designation
            else None
        )
    if "bilan_outcomes" in policy:
        data["bilans"] = [_bilan(b, policy) for b in case.bilan_rows]
    if "journal" in policy:
        data["journal"] = [present_journal_entry(e, free_text=free_text) for e in case.journal_rows]
        data["journal_total"] = case.journal_total
        data["journal_url"] = journal_url(case.pk, request)
    if "disclosures" in policy:
        data["disclosures"] = [
            {
                "institution": d.institution.name,
                "reason": d.reason,
                "starts_on": d.starts_on,
                "ends_on": d.ends_on,
                "revoked_at": d.revoked_at,
                "active": d.revoked_at is None and d.starts_on <= today <= d.ends_on,
            }
            for d in case.disclosure_rows
        ]
    return data


def present_cases(cases: Iterable[Case], user, *, journal_limit: int, request=None) -> list[dict]:
    """`cases` (read through `visible_cases(user)`) as the dicts `user` receives,
    each journal cut to its `journal_limit` latest entries (the rest is paged
    at `journal_url`, absolute when `request` is given)."""
    cases = list(cases)
    load_related(cases, user, journal_limit=journal_limit)
    today = timezone.localdate()
    return [present_case(case, today, request) for case in cases]


def _measures(case: Case, *, free_text: bool) -> dict:
    rappels = []
    for r in case.rappel_rows:
        row = {
            "status": r.status,
            "planned_on": r.planned_on,
            "held_on": r.held_on,
            "parents_present": r.parents_present,
            "outcome": r.outcome,
        }
        if free_text:
            row["elu"] = r.elu
            row["parents_absence_reason"] = r.parents_absence_reason
        rappels.append(row)
    return {
        "rappels_a_l_ordre": rappels,
        "cddf": [
            {
                "status": c.status,
                "saisine_on": c.saisine_on,
                "hearing_on": c.hearing_on,
                "recommendations": c.recommendations,
                "accompagnement": c.accompagnement,
                "attestation_on": c.attestation_on,
            }
            for c in case.cddf_rows
        ],
        "designations": [
            {
                "kind": d.kind,
                "status": d.status,
                "institution": d.institution.name if d.institution else None,
                "designated_on": d.designated_on,
                "accepted_on": d.accepted_on,
                "ended_on": d.ended_on,
            }
            for d in case.designation_rows
        ],
    }


def _bilan(bilan, policy: Policy) -> dict:
    row = {
        "adhesion": bilan.adhesion,
        "situation": bilan.situation,
        "new_facts": bilan.new_facts,
        "recommendation": bilan.recommendation,
        "cell_decision": bilan.cell_decision,
    }
    if "bilans" in policy:
        row |= {
            "period_start": bilan.period_start,
            "period_end": bilan.period_end,
            "presented_on": bilan.presented_on,
            "examined_on": bilan.examined_on,
        }
    if "free_text" in policy:
        row["text"] = bilan.text
    return row


def present_journal_entry(entry: JournalEntry, *, free_text: bool) -> dict:
    """One journal entry; its note only when the representation shows free text."""
    row = {
        "at": entry.at,
        "occurred_on": entry.occurred_on,
        "kind": entry.kind,
        "summary": entry.summary,
        "actor": _name(entry.actor),
        "from_status": entry.from_status,
        "to_status": entry.to_status,
        "contact_type": entry.contact_type,
        "domain": entry.domain,
        "adhesion": entry.adhesion,
    }
    if free_text:
        row["note"] = entry.note
    return row
