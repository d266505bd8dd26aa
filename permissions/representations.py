"""What each representation of a case shows: the one field policy.

`visibility.representation_for` / `visible_cases` decide *which* representation
a user gets; this module decides *what it contains*. Every screen, API
serializer, export and print asks `policy_for(representation)` instead of
testing the representation itself, so the three lists below are the only
place where "a cell member sees the commune but not the journal" is written.

Sections (stable names, used by templates as `{% if "journal" in policy %}`):

- ``reference``, ``status``: always shown.
- ``identity``: youth's first and last name, sex, birth date.
- ``age``: age at signalement and today.
- ``commune``, ``cell``: where the case is followed.
- ``motifs``, ``profil``, ``plan_measure``: coded reasons and target profile.
- ``source``: institution and person at the origin of the signalement.
- ``dates``: signalement, first examination, closure dates.
- ``closure``: coded closure reason.
- ``orientations``: coded orientations decided by the cell.
- ``measures``: rappels à l'ordre, CDDF referrals, designations, with status,
  dates and coded outcomes (never their free-text fields).
- ``overdue``: whether a step deadline has passed.
- ``referent``: name (and institution) of the current référent.
- ``bilan_outcomes``: coded outcome of each bilan (adhesion, situation,
  new facts, recommendation, cell decision).
- ``bilans``: the bilans themselves, with their dates.
- ``journal``: the append-only journal (contacts, state changes).
- ``free_text``: every free-text field (journal notes, bilan observations,
  reasons typed by hand). Free text is the riskiest content (CNIL 2020
  found subjective comments in such files): only `full` has it.
- ``disclosures``: who the case was shared with, and why.
"""

from dataclasses import dataclass
from functools import cache

from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.query import RawQuerySet

from casework.models import Case, Cell, User
from permissions.services import CELL_MEMBERS_GROUP, COORDINATORS_GROUP
from permissions.visibility import (
    FULL_OR_CELL_SUMMARY,
    ID_SETS,
    Representation,
    user_granted_case_ids,
    visible_case_filter,
    visible_case_filter_per_row,
    visible_case_ids,
    visible_cases,
)

ALWAYS = frozenset({"reference", "status"})

ALL_SECTIONS = ALWAYS | frozenset(
    {
        "identity",
        "age",
        "commune",
        "cell",
        "motifs",
        "profil",
        "plan_measure",
        "source",
        "dates",
        "closure",
        "orientations",
        "measures",
        "overdue",
        "referent",
        "bilan_outcomes",
        "bilans",
        "journal",
        "free_text",
        "disclosures",
    }
)

SECTIONS = {
    # Coordinators and the current référent: the whole file.
    Representation.FULL: ALL_SECTIONS,
    # Signed members of the case's cell (domain.md §4.3): what the cell needs
    # to discuss the case, nothing of the référent's file.
    Representation.CELL_SUMMARY: ALWAYS
    | frozenset(
        {
            "identity",
            "age",
            "commune",
            "cell",
            "motifs",
            "profil",
            "orientations",
            "overdue",
            "referent",
            "bilan_outcomes",
        }
    ),
    # Parquet, PJJ, SPIP through an active disclosure (domain.md §4.6): the
    # judicial view, without the social narrative.
    Representation.SCOPED_SUMMARY: ALWAYS
    | frozenset({"identity", "age", "dates", "closure", "orientations", "measures"}),
}


@dataclass(frozen=True)
class Policy:
    """The sections one representation shows. `"journal" in policy` reads well in templates."""

    representation: Representation
    sections: frozenset[str]

    def __contains__(self, section: str) -> bool:
        if section not in ALL_SECTIONS:
            # A typo must not silently hide (or show) a section.
            raise KeyError(f"Unknown case section: {section!r}")
        return section in self.sections

    def shows(self, section: str) -> bool:
        return section in self


@cache
def policy_for(representation: Representation | str) -> Policy:
    """The policy of `representation`; raises ValueError for anything else (None included).

    Cached: three policies, immutable, asked for several times per row of a list."""
    representation = Representation(representation)
    return Policy(representation=representation, sections=SECTIONS[representation])


# --- Reading a section across many cases ----------------------------------
# A filter, a sort, a count or a menu built on a section tells the reader that
# section for every case it covers ("the cases of motif réitération" is the
# motif of each of them). These selectors narrow the visible cases to those
# whose representation shows every section asked for.


def _readers(sections: tuple[str, ...]) -> frozenset[Representation]:
    """The representations that show every one of `sections`.

    `visible_case_ids` selects three sets of representations (`ID_SETS`): a
    combination of sections that none describes exactly (shown by full and
    scoped summaries, not cell summaries) is refused rather than approximated.
    """
    for section in sections:
        if section not in ALL_SECTIONS:
            raise KeyError(f"Unknown case section: {section!r}")
    readers = frozenset(r for r, shown in SECTIONS.items() if shown.issuperset(sections))
    if readers not in ID_SETS:
        raise ValueError(f"No set of visible cases shows exactly {', '.join(sections)}")
    return readers


def case_ids_showing(user, *sections: str) -> RawSQL:
    """Ids of the cases `user` may see whose representation shows every one of
    `sections` (use as `pk__in=`); see `visible_case_ids`."""
    return visible_case_ids(user, representations=_readers(sections))


def cases_showing(user, *sections: str) -> QuerySet[Case]:
    """`visible_cases(user)` narrowed to the cases whose representation shows `sections`."""
    return visible_cases(user, representations=_readers(sections))


def case_filter_showing(user, field: str, *sections: str) -> Q:
    """`visible_case_filter(user, field)` narrowed to the cases whose representation shows `sections`."""
    return visible_case_filter(user, field, representations=_readers(sections))


def case_filter_showing_per_row(user, field: str, *sections: str) -> Q:
    """`case_filter_showing`, decided row by row (`visible_case_filter_per_row`):
    for querysets already narrowed to a few hundred rows."""
    return visible_case_filter_per_row(user, field, representations=_readers(sections))


@cache
def _cells_sql() -> str:
    cells = Cell._meta.db_table
    cases = Case._meta.db_table
    groups = Group._meta.db_table
    user_groups = User.groups.through._meta.db_table

    def group_name(group: tuple[str, str], column: str) -> str:
        prefix, suffix = group
        if "'" in prefix + suffix:  # literals in the SQL text: none may close the quote
            raise ImproperlyConfigured(f"Unexpected group name format: {group}")
        return f"'{prefix}' || {column} || '{suffix}'"

    # The user's group names once (a hashed set), each cell's two names tested against it.
    names = f"SELECT g.name FROM {user_groups} ug JOIN {groups} g ON g.id = ug.group_id WHERE ug.user_id = %s"
    # params: user id twice; then the own-grant ids' SQL params; then the two unreadable statuses.
    return (
        f"SELECT c.id, c.name FROM {cells} c WHERE ({group_name(CELL_MEMBERS_GROUP, 'c.id')}) IN ({names})"
        f" OR ({group_name(COORDINATORS_GROUP, 'c.partnership_id')}) IN ({names})"
        f" OR c.id IN (SELECT k.cell_id FROM {cases} k WHERE k.id IN ({{own}}) AND k.status NOT IN (%s, %s))"
        " ORDER BY c.name"
    )


def cells_showing_cases(user) -> RawQuerySet:
    """The cells whose cases `user` reads with their cell (the lists' cell
    filter), by name, with their id and name only.

    Read from the grants' holders rather than from the visible cases (a walk
    of thousands of cases for a coordinator, on every list page):

    - the cells whose signed-members group the user is in, and every cell of
      the partnerships whose coordinators' group they are in: these groups
      hold the cell-summary and full grants on the cells' cases
      (`permissions.services`), so the user reads those cases with their cell;
    - the cells of the cases granted to the user alone (référent, séance
      invitee in a strict need-to-know cell), unless purged or archived.

    A cell of the user's own seat shows even when none of its cases is
    readable yet (new cell, strict need-to-know): the user knows their seat;
    the menu names no cell they have no seat in and no case of. SQL written
    once, like the visibility rules: the ORM took longer to compile this
    query than PostgreSQL to run it, on every list page (bench/).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Cell.objects.raw(f"SELECT id, name FROM {Cell._meta.db_table} WHERE 1 = 0")
    if _readers(("cell",)) != FULL_OR_CELL_SUMMARY:
        # The groups below hold full and cell-summary grants: a policy where
        # one of them hid the cell would need another derivation.
        raise ImproperlyConfigured("cells_showing_cases assumes full and cell summaries show the cell")
    own = user_granted_case_ids(user, representations=FULL_OR_CELL_SUMMARY)
    return Cell.objects.raw(
        _cells_sql().replace("{own}", own.sql),
        [user.pk, user.pk, *own.params, Case.Status.PURGE.value, Case.Status.ARCHIVE.value],
    )
