"""Everything the product holds on a case or a youth, gathered for display or print.

Read helpers for the archive page and the right-of-access PDF. Callers have
already decided the reader may see it all (permissions.archive) and log the
access; nothing here filters.

The right-of-access file is complete (`case_files`, `youth_file`): it is the
legal answer to the person. The archive screen reads the journal a page at a
time (`case_file_page`): a file followed for years holds hundreds of entries.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
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
    # The screen's page of the journal (`case_file_page`); None when `journal` holds it all.
    journal_page: Page | None = None


# Each relation of a case file but the journal, read once for all the cases of
# a file (youth_file).
CASE_FILE_RELATIONS_BUT_JOURNAL = (
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
)
CASE_FILE_RELATIONS = (
    *CASE_FILE_RELATIONS_BUT_JOURNAL,
    Prefetch("journal", JournalEntry.objects.select_related("actor").order_by("at", "id")),
)


def case_files(cases: list[Case]) -> list[CaseFile]:
    """The complete files of `cases`, every journal entry included (oldest first): one query
    per relation, whatever the number of cases or entries."""
    prefetch_related_objects(cases, *CASE_FILE_RELATIONS)
    return [_case_file(case, journal=list(case.journal.all())) for case in cases]


def case_file_page(case: Case, *, journal_page, per_page: int) -> CaseFile:
    """The file of `case` for a screen: every relation in full but the journal, of which only
    page `journal_page` (latest entries first, `per_page` a page) is read.

    `file.journal_page` is that page (its paginator gives the total); `file.journal`, its
    entries. A page number that is not one gives the first page, one past the end the last
    (Paginator.get_page). Two queries for the journal (the count, the page), whatever its size.
    """
    prefetch_related_objects([case], *CASE_FILE_RELATIONS_BUT_JOURNAL)
    entries = case.journal.select_related("actor").order_by("-at", "-id")
    page = Paginator(entries, per_page).get_page(journal_page)
    page.object_list = list(page.object_list)  # read once, for the page and the file
    return _case_file(case, journal=page.object_list, journal_page=page)


def _case_file(case: Case, *, journal: list, journal_page: Page | None = None) -> CaseFile:
    """`case`'s file from its prefetched relations (CASE_FILE_RELATIONS_BUT_JOURNAL)."""
    return CaseFile(
        case=case,
        motifs=list(case.motifs.all()),
        decisions=list(case.decisions.all()),
        rappels=list(case.rappels.all()),
        cddf_referrals=list(case.cddf_referrals.all()),
        designations=list(case.designations.all()),
        bilans=list(case.bilans.all()),
        informations=list(case.informations.all()),
        disclosures=list(case.disclosures.all()),
        journal=journal,
        journal_page=journal_page,
    )


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


def youth_file(youth: Youth, *, confirmed: Iterable[Case] = ()) -> YouthFile:
    """The file of `youth` (the identity row of the case asked for): that identity, its cases
    (archived ones too) and who read them. Each case of `confirmed` (possible duplicates the
    coordinator confirmed: casework.services.subject_access) adds its identity row and that
    row's cases. No other row is read, whatever its name and birth date."""
    ids = {youth.pk, *(c.youth_id for c in confirmed)}
    rows = Youth.objects.filter(pk__in=ids).select_related("commune").order_by("created_at", "pk")
    youths = sorted(rows, key=lambda y: y.pk != youth.pk)  # the requested identity first
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
