"""The annual report on how the confidentiality charter was applied (domain.md §4.10).

Contract: `charter_report(partnerships=..., year=...)` returns, for one
calendar year, one `CharterReportRow` per partnership (CLSPD/CISPD, by name)
and a total row. It reads only, holds aggregates only (no person, no case
reference, no youth: partnership names are the only names in it) and runs
the same nine queries whatever the number of partnerships (none of them per
partnership: each aggregates over all of them, grouped by partnership).

Who reads it (`report_scope`), in plain language:

- the **préfecture** (an agent of an institution of kind "préfecture" that
  belongs to a département): every partnership with at least one commune in
  its département, reported whole (a CISPD straddling two départements
  appears in both);
- a **coordinator** or the **DPO** (current seat): their own partnerships;
- nobody else (members, référents, maires, magistrates, anonymous): the page
  answers 404. The report holds no nominative data, so no charter signature is
  required to read it.

Counting rules. The *reference day* is 31 December of the year, or today for
the running year; "in the year" means from 1 January to the reference day,
times read in the local time zone (Europe/Paris).

- **Charter in force**: the latest version adopted on or before the reference
  day (the one a member had to have signed); none when no version was adopted
  by then. **Versions adopted**: versions whose adoption date is in the year.
  **Signatures**: signatures of any version of the partnership's charter made
  in the year.
- **Members**: persons holding at least one current seat of coordinator,
  maire-président or cell member (the DPO reads metadata only and signs
  nothing: not counted). A person with two seats counts once per
  partnership; a person in two partnerships counts in each, and the total adds
  them up. *At the start* = on 31 December of the previous year; *at the end*
  = on the reference day; *signed* = members at the end who signed, by the
  reference day, the charter then in force. *Joined* = persons who took a seat
  in the year without holding one on the eve of 1 January; *left* = persons
  whose seat ended in the year and who hold none on the reference day. So
  start + joined - left = end, and a change of cell is neither. Figures come
  from the seats and signatures (`Membership`, `CharterSignature`, `Charter`),
  which the charter services write in the same transaction and with the same
  dates as the `CharterEvent` journal, and which also hold the seats recorded
  before the journal.
- **Cells**: cells active when the report is computed (cells keep no
  activation history, as for the indicators); those of a partnership with a
  charter in force count as *cells with a charter*.
- **Break-the-glass requests** made in the year, by their decision so far
  (approved, including expired grants; refused; the rest are pending).
  **Archive consultations**: openings of archived cases logged in the year
  with their reason. **Nominative reads**: access-log rows of the year, by
  channel (the archive channel included). **Disclosures**: shares made in the
  year. The retention purge deletes the break-the-glass requests and the
  disclosures of the cases it purges (their free-text reasons): those of a
  year can only go down afterwards, and the purge reports count them.
- **Purges**: cases archived and purged by the retention runs whose reference
  date is in the year (`PurgeReport.counts`).

Small counts: nothing is masked. `indicators.suppression` masks counts of
youths or of their measures *at commune and cell level*; the figures here
count professionals, not youths (the suppression rules never mask counts of
members either).

Percentages are None when their denominator is zero.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import chain

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from casework.models import Cell, Departement, Institution, Membership, Partnership, PurgeReport
from permissions.models import AccessLog, BreakGlassGrant, Charter, CharterSignature, Disclosure
from permissions.roles import is_prefecture_agent
from permissions.seats import current_seats

FUTURE_YEAR = "L'année {year} n'a pas commencé : le rapport porte sur une année échue ou en cours."

CHANNELS = list(AccessLog.Channel.choices)
READER_ROLES = (Membership.Role.COORDONNATEUR, Membership.Role.DPO)
# Counters of a row, in display order (the reads by channel come apart).
COUNT_FIELDS = (
    "versions_adopted",
    "signatures",
    "members_start",
    "members_joined",
    "members_left",
    "members",
    "members_signed",
    "cells",
    "cells_with_charter",
    "breakglass_requested",
    "breakglass_approved",
    "breakglass_refused",
    "archive_consultations",
    "disclosures",
    "cases_archived",
    "cases_purged",
)


@dataclass(frozen=True)
class CharterReportRow:
    """One partnership's figures for the year, or their total (`partnership_id` None)."""

    label: str
    partnership_id: int | None
    partnerships: int  # partnerships covered: 1 for a partnership's row
    with_charter: int  # of which with a charter in force on the reference day
    charter_version: int | None  # the version in force (partnership rows only)
    charter_adopted_on: date | None
    versions_adopted: int = 0
    signatures: int = 0
    members_start: int = 0
    members_joined: int = 0
    members_left: int = 0
    members: int = 0
    members_signed: int = 0
    cells: int = 0
    cells_with_charter: int = 0
    breakglass_requested: int = 0
    breakglass_approved: int = 0
    breakglass_refused: int = 0
    archive_consultations: int = 0
    disclosures: int = 0
    cases_archived: int = 0
    cases_purged: int = 0
    reads: dict[str, int] = field(default_factory=dict)  # by AccessLog channel, every channel present

    @property
    def is_total(self) -> bool:
        return self.partnership_id is None

    @property
    def members_signed_pct(self) -> float | None:
        return _pct(self.members_signed, self.members)

    @property
    def cells_with_charter_pct(self) -> float | None:
        return _pct(self.cells_with_charter, self.cells)

    @property
    def breakglass_pending(self) -> int:
        return self.breakglass_requested - self.breakglass_approved - self.breakglass_refused

    @property
    def reads_total(self) -> int:
        return sum(self.reads.values())


@dataclass(frozen=True)
class CharterReport:
    year: int
    reference_date: date  # 31 December, or today for the running year
    complete: bool  # False for the running year
    rows: list[CharterReportRow]
    total: CharterReportRow

    @property
    def start_date(self) -> date:
        return date(self.year, 1, 1)


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _held_on(day: date) -> Q:
    """Seats current on `day` (the rule of MembershipQuerySet.current)."""
    return Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))


@dataclass(frozen=True)
class _Year:
    start: date
    reference: date

    def instants(self, field_name: str) -> Q:
        """`field_name` (a datetime) falls in the year, local time."""
        return Q(**{f"{field_name}__gte": _day_start(self.start)}) & Q(
            **{f"{field_name}__lt": _day_start(self.reference + timedelta(days=1))}
        )

    def days(self, field_name: str) -> Q:
        """`field_name` (a date) falls in the year."""
        return Q(**{f"{field_name}__gte": self.start, f"{field_name}__lte": self.reference})


Tallies = Iterable[tuple[int, dict[str, int | None]]]  # (partnership id, counters)


def _grouped(queryset: QuerySet, key: str, **aggregates) -> Tallies:
    for row in queryset.values(key).annotate(**aggregates).order_by():
        yield row.pop(key), row


def charter_report(
    *, partnerships: QuerySet[Partnership], year: int, today: date | None = None
) -> CharterReport:
    """The report for `year` over `partnerships` (already scoped by the caller).

    ValueError (French message) for a year that has not started.
    """
    today = today or timezone.localdate()
    if year > today.year:
        raise ValueError(FUTURE_YEAR.format(year=year))
    window = _Year(start=date(year, 1, 1), reference=min(date(year, 12, 31), today))
    partnerships = list(partnerships.order_by("name").only("pk", "name"))
    ids = [p.pk for p in partnerships]
    in_force, adopted = _charters(ids, window)
    tallies: dict[int, Counter] = {pk: Counter() for pk in ids}
    for partnership_id, counts in chain(
        adopted,
        _signatures(ids, window),
        _members(ids, window),
        _cells(ids, in_force),
        _breakglass(ids, window),
        _disclosures(ids, window),
        _purges(ids, window),
    ):
        tallies[partnership_id].update({name: value or 0 for name, value in counts.items()})
    reads: dict[int, Counter] = {pk: Counter() for pk in ids}
    for partnership_id, channel, n, with_reason in _reads(ids, window):
        reads[partnership_id][channel] += n
        if channel == AccessLog.Channel.ARCHIVE:
            tallies[partnership_id]["archive_consultations"] += with_reason
    rows = [
        CharterReportRow(
            label=p.name,
            partnership_id=p.pk,
            partnerships=1,
            with_charter=int(p.pk in in_force),
            charter_version=in_force[p.pk][0] if p.pk in in_force else None,
            charter_adopted_on=in_force[p.pk][1] if p.pk in in_force else None,
            reads={code: reads[p.pk][code] for code, _ in CHANNELS},
            **{name: tallies[p.pk][name] for name in COUNT_FIELDS},
        )
        for p in partnerships
    ]
    return CharterReport(
        year=year,
        reference_date=window.reference,
        complete=today.year > year,
        rows=rows,
        total=_total(rows),
    )


def _charters(ids, window: _Year) -> tuple[dict[int, tuple[int, date]], Tallies]:
    """(version, adoption date) in force on the reference day, by partnership, and
    the versions adopted in the year. One query: a handful of rows per partnership."""
    in_force: dict[int, tuple[int, date]] = {}
    adopted: Counter = Counter()
    versions = Charter.objects.filter(partnership_id__in=ids, adopted_on__lte=window.reference)
    for partnership_id, version, adopted_on in versions.order_by("version").values_list(
        "partnership_id", "version", "adopted_on"
    ):
        in_force[partnership_id] = (version, adopted_on)  # ascending versions: the last one wins
        adopted[partnership_id] += adopted_on >= window.start
    return in_force, [(pk, {"versions_adopted": n}) for pk, n in adopted.items()]


def _signatures(ids, window: _Year) -> Tallies:
    signatures = CharterSignature.objects.filter(
        window.instants("signed_at"), charter__partnership_id__in=ids
    )
    return _grouped(signatures, "charter__partnership_id", signatures=Count("pk"))


def _members(ids, window: _Year) -> Tallies:
    """Distinct persons per partnership (see the module's counting rules). One query."""
    eve = window.start - timedelta(days=1)
    seats = Membership.objects.exclude(role=Membership.Role.DPO)

    def holds_a_seat_on(day: date) -> Exists:
        same_person = {"user_id": OuterRef("user_id"), "partnership_id": OuterRef("partnership_id")}
        return Exists(seats.filter(_held_on(day), **same_person))

    charter_in_force = (
        Charter.objects.filter(
            partnership_id=OuterRef(OuterRef("partnership_id")), adopted_on__lte=window.reference
        )
        .order_by("-version")
        .values("pk")[:1]
    )
    signed = Exists(
        CharterSignature.objects.filter(
            user_id=OuterRef("user_id"),
            charter_id=Subquery(charter_in_force),
            signed_at__lt=_day_start(window.reference + timedelta(days=1)),
        )
    )
    at_end = _held_on(window.reference)
    return _grouped(
        seats.filter(partnership_id__in=ids),
        "partnership_id",
        members_start=Count("user_id", distinct=True, filter=_held_on(eve)),
        members=Count("user_id", distinct=True, filter=at_end),
        members_signed=Count("user_id", distinct=True, filter=at_end & Q(signed)),
        members_joined=Count(
            "user_id", distinct=True, filter=window.days("started_on") & ~Q(holds_a_seat_on(eve))
        ),
        members_left=Count(
            "user_id", distinct=True, filter=window.days("ended_on") & ~Q(holds_a_seat_on(window.reference))
        ),
    )


def _cells(ids, in_force) -> Tallies:
    cells = Cell.objects.filter(partnership_id__in=ids, is_active=True)
    for partnership_id, counts in _grouped(cells, "partnership_id", cells=Count("pk")):
        counts["cells_with_charter"] = counts["cells"] if partnership_id in in_force else 0
        yield partnership_id, counts


def _breakglass(ids, window: _Year) -> Tallies:
    requests = BreakGlassGrant.objects.filter(window.instants("requested_at"), case__partnership_id__in=ids)
    return _grouped(
        requests,
        "case__partnership_id",
        breakglass_requested=Count("pk"),
        breakglass_approved=Count("pk", filter=Q(status=BreakGlassGrant.Status.APPROVED)),
        breakglass_refused=Count("pk", filter=Q(status=BreakGlassGrant.Status.REFUSED)),
    )


def _disclosures(ids, window: _Year) -> Tallies:
    disclosures = Disclosure.objects.filter(window.instants("created_at"), case__partnership_id__in=ids)
    return _grouped(disclosures, "case__partnership_id", disclosures=Count("pk"))


def _purges(ids, window: _Year) -> Tallies:
    runs = PurgeReport.objects.filter(window.days("run_on"), partnership_id__in=ids)
    return _grouped(
        runs,
        "partnership_id",
        cases_archived=Sum(Cast(KT("counts__cases_archived"), IntegerField())),
        cases_purged=Sum(Cast(KT("counts__cases_purged"), IntegerField())),
    )


def _reads(ids, window: _Year) -> Iterable[tuple[int, str, int, int]]:
    """(partnership id, channel, rows, rows with a reason) of the year's access log. One query."""
    logged = AccessLog.objects.filter(window.instants("at"), case__partnership_id__in=ids)
    return (
        logged.values_list("case__partnership_id", "channel")
        .annotate(n=Count("pk"), with_reason=Count("pk", filter=~Q(reason="")))
        .order_by()
    )


def _total(rows: list[CharterReportRow]) -> CharterReportRow:
    return CharterReportRow(
        label="Total",
        partnership_id=None,
        partnerships=len(rows),
        with_charter=sum(row.with_charter for row in rows),
        charter_version=None,
        charter_adopted_on=None,
        reads={code: sum(row.reads[code] for row in rows) for code, _ in CHANNELS},
        **{name: sum(getattr(row, name) for row in rows) for name in COUNT_FIELDS},
    )


# --- Who reads it ------------------------------------------------------------


@dataclass(frozen=True)
class ReportScope:
    """The partnerships a reader's report covers; `departement` is the préfecture's."""

    partnerships: QuerySet[Partnership]
    departement: Departement | None = None


def _prefecture_departement(user) -> Departement | None:
    institution = (
        Institution.objects.filter(
            pk=user.institution_id, kind=Institution.Kind.PREFECTURE, departement__isnull=False
        )
        .select_related("departement")
        .first()
    )
    return institution.departement if institution else None


def report_scope(user) -> ReportScope | None:
    """The reader's scope (module docstring), or None when they may not read the report."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    departement = _prefecture_departement(user) if user.institution_id else None
    seats = Membership.objects.current().filter(partnership=OuterRef("pk"), user=user, role__in=READER_ROLES)
    scope = Q(Exists(seats))
    if departement is not None:
        in_departement = Partnership.objects.filter(communes__arrondissement__departement=departement)
        scope |= Q(pk__in=in_departement.values("pk"))
    partnerships = Partnership.objects.filter(scope)
    if departement is None and not partnerships.exists():
        return None
    return ReportScope(partnerships=partnerships, departement=departement)


def may_read_charter_report(user) -> bool:
    """`report_scope(user) is not None`, cheaply (the menu asks on every page): a
    coordinator or DPO seat, else an agent of a préfecture that belongs to a département."""
    if any(seat.role in READER_ROLES for seat in current_seats(user)):
        return True
    return is_prefecture_agent(user)
