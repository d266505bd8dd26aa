"""Case data as plain dicts, section by section, following the representation policy.

Used by the read API (and usable by exports): `present_cases(cases, user)` turns
cases fetched through `visible_cases` into dicts whose keys are exactly the
sections their representation allows (`permissions.representations`). A key
that the policy hides is absent, not null. Related rows are loaded in a
fixed number of queries for the whole page (`load_related`), and the
journal and disclosures only for the rows shown in `full`.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from casework.models import Case, JournalEntry, PendingStep, ReferentDesignation
from notifications.selectors import annotate_stalls, stall_reasons
from permissions.access import journal_filter
from permissions.models import Disclosure
from permissions.representations import Policy, policy_for


def with_related(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Everything a page of cases needs except the full-only rows (see `load_full_only`)."""
    overdue = PendingStep.objects.overdue().filter(case=OuterRef("pk"))
    return (
        annotate_stalls(queryset.annotate(is_overdue=Exists(overdue)))
        .select_related("youth", "commune", "cell", "source_institution", "signaled_by")
        .prefetch_related(
            "motifs",
            "decisions",
            "rappels",
            "cddf_referrals",
            Prefetch(
                "designations",
                queryset=ReferentDesignation.objects.select_related("referent", "institution").order_by(
                    "opened_on", "id"
                ),
            ),
            "bilans",
        )
    )


def load_full_only(cases: list[Case], user) -> None:
    """Attach `journal_rows` (the entries `user` reads, `journal_filter`) and
    `disclosure_rows` to the cases shown in full: two queries at most."""
    full_ids = [c.pk for c in cases if policy_for(c.representation).shows("journal")]
    journal, disclosures = defaultdict(list), defaultdict(list)
    if full_ids:
        for entry in (
            JournalEntry.objects.filter(journal_filter(user), case_id__in=full_ids)
            .select_related("actor")
            .order_by("at", "id")
        ):
            journal[entry.case_id].append(entry)
        for disclosure in Disclosure.objects.filter(case_id__in=full_ids).select_related("institution"):
            disclosures[disclosure.case_id].append(disclosure)
    for case in cases:
        case.journal_rows = journal[case.pk]
        case.disclosure_rows = disclosures[case.pk]


def _name(user) -> str | None:
    return (user.get_full_name() or user.username) if user is not None else None


def current_referent(case: Case) -> ReferentDesignation | None:
    return next((d for d in case.designations.all() if d.is_current), None)


def present_case(case: Case, today=None) -> dict:
    """One case as a dict of the sections its `representation` shows."""
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
        data["motifs"] = sorted(m.code for m in case.motifs.all())
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
            dict.fromkeys(code for decision in case.decisions.all() for code in decision.orientations)
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
        data["bilans"] = [_bilan(b, policy) for b in case.bilans.all()]
    if "journal" in policy:
        data["journal"] = [_journal_entry(e, free_text=free_text) for e in case.journal_rows]
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


def present_cases(cases: Iterable[Case], user) -> list[dict]:
    """`cases` (read through `visible_cases(user)`) as the dicts `user` receives."""
    cases = list(cases)
    load_full_only(cases, user)
    today = timezone.localdate()
    return [present_case(case, today) for case in cases]


def _measures(case: Case, *, free_text: bool) -> dict:
    rappels = []
    for r in case.rappels.all():
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
            for c in case.cddf_referrals.all()
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
            for d in case.designations.all()
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


def _journal_entry(entry: JournalEntry, *, free_text: bool) -> dict:
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
