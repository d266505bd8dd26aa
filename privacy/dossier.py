"""Everything the product holds on a case or a youth, gathered for display or print.

Read helpers for the archive page and the right-of-access PDF. Callers have
already decided the reader may see it all (permissions.archive) and log the
access; nothing here filters.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, prefetch_related_objects

from casework.models import (
    Bilan,
    Case,
    CddfReferral,
    Decision,
    JournalEntry,
    PersonInformation,
    RappelALOrdre,
    ReferentDesignation,
    Youth,
)
from permissions.models import AccessLog, Disclosure


@dataclass
class CaseFile:
    case: Case
    motifs: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    rappels: list = field(default_factory=list)
    cddf_referrals: list = field(default_factory=list)
    designations: list = field(default_factory=list)
    bilans: list = field(default_factory=list)
    informations: list = field(default_factory=list)
    disclosures: list = field(default_factory=list)
    journal: list = field(default_factory=list)


# Each relation of a case file, read once for all the cases of a file (youth_file).
CASE_FILE_RELATIONS = (
    "motifs",
    Prefetch(
        "decisions",
        Decision.objects.select_related("pilot_institution", "decided_by").order_by("decided_on", "id"),
    ),
    Prefetch("rappels", RappelALOrdre.objects.order_by("opened_on", "id")),
    Prefetch("cddf_referrals", CddfReferral.objects.order_by("opened_on", "id")),
    Prefetch(
        "designations",
        ReferentDesignation.objects.select_related("referent", "institution").order_by("opened_on", "id"),
    ),
    Prefetch("bilans", Bilan.objects.select_related("author").order_by("presented_on", "id")),
    Prefetch(
        "informations", PersonInformation.objects.select_related("recorded_by").order_by("created_at", "id")
    ),
    Prefetch(
        "disclosures",
        Disclosure.objects.select_related("institution", "created_by").order_by("starts_on", "id"),
    ),
    Prefetch("journal", JournalEntry.objects.select_related("actor").order_by("at", "id")),
)


def case_files(cases: list[Case]) -> list[CaseFile]:
    """The files of `cases`: one query per relation, whatever the number of cases."""
    prefetch_related_objects(cases, *CASE_FILE_RELATIONS)
    return [
        CaseFile(
            case=case,
            motifs=list(case.motifs.all()),
            decisions=list(case.decisions.all()),
            rappels=list(case.rappels.all()),
            cddf_referrals=list(case.cddf_referrals.all()),
            designations=list(case.designations.all()),
            bilans=list(case.bilans.all()),
            informations=list(case.informations.all()),
            disclosures=list(case.disclosures.all()),
            journal=list(case.journal.all()),
        )
        for case in cases
    ]


def case_file(case: Case) -> CaseFile:
    return case_files([case])[0]


def same_person(youth: Youth):
    """Every youth row of the partnership for the same person (one row per signalement)."""
    return Youth.objects.filter(
        partnership_id=youth.partnership_id, identity_key=youth.identity_key, birth_date=youth.birth_date
    ).order_by("created_at", "pk")


@dataclass
class YouthFile:
    youths: list
    cases: list[CaseFile]
    access_log: list[AccessLog]

    @property
    def youth(self) -> Youth:
        return self.youths[0]

    @property
    def identities(self) -> list[Youth]:
        """One row per distinct identity held (each signalement keeps the
        spelling, sex and commune it was typed with)."""
        seen, rows = set(), []
        for y in self.youths:
            key = (y.last_name, y.first_name, y.birth_date, y.sex, y.commune_id)
            if key not in seen:
                seen.add(key)
                rows.append(y)
        return rows


def youth_file(youth: Youth) -> YouthFile:
    """The youth's identity, all their cases in the partnership (archived ones too) and who read them."""
    youths = list(same_person(youth).select_related("commune"))
    cases = list(
        Case.objects.filter(youth__in=youths)
        .exclude(status=Case.Status.PURGE)
        .select_related("cell", "partnership", "commune", "source_institution")
        .order_by("signaled_on", "id")
    )
    access_log = list(
        AccessLog.objects.filter(case__in=cases)
        .select_related("user", "user__institution")
        .order_by("at", "id")
    )
    return YouthFile(youths=youths, cases=case_files(cases), access_log=access_log)
