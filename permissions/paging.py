"""The case list's page, its total and its stall counts: one walk of the visible cases.

The list asks three questions of the same filtered cases: which ids make up
the page, how many cases there are, and how many open stall flags of each rule
the cases showing their lateness carry. Asked separately, each question walks
the user's visible cases again (thousands for a coordinator, see bench/); here
one statement materialises the filtered cases once with their sort keys (a
CTE), and answers the three from it. The read API asks the first two
(`permissions.api.pagination`).
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.expressions import OrderBy, RawSQL

from casework.models import Case
from notifications.models import StallFlag

_CTE = "listed_cases"


@dataclass(frozen=True)
class ListSlice:
    page: Page  # its object_list: the page's ids, in order
    ids: list[int]
    # Open stall flags per rule code (only rules with flags), over the listed
    # cases whose representation shows their lateness.
    stall_counts: dict[str, int]


# Past any real list (a billion pages) and within the database's integers
# once multiplied by a page size: a larger number is a page past the end.
MAX_PAGE_NUMBER = 10**9


def _page_number(number) -> int:
    try:
        return min(max(1, int(number)), MAX_PAGE_NUMBER)
    except (TypeError, ValueError):
        return 1


def _order_by(term) -> OrderBy:
    """`term` as Django's order_by takes it ("-field", F(...).desc(...)) as an OrderBy."""
    if isinstance(term, OrderBy):
        return term
    if isinstance(term, str):
        return OrderBy(F(term.removeprefix("-")), descending=term.startswith("-"))
    return OrderBy(term)


def _direction(term: OrderBy) -> str:
    # As Django writes it: the database's default place for NULLs unless asked.
    direction = "DESC" if term.descending else "ASC"
    if term.nulls_last:
        direction += " NULLS LAST"
    elif term.nulls_first:
        direction += " NULLS FIRST"
    return direction


def list_slice(
    cases: QuerySet[Case], *, ordering: list, readable, number, per_page: int, count_stalls: bool = True
) -> ListSlice:
    """Page `number` of `cases` sorted by `ordering` (as `order_by` takes it,
    ending with a unique key), the total, and the stall counts of the cases
    among `readable` (case ids; None: all of them) — in one query. Without
    `count_stalls`, the stall counts are not asked (and come back empty).

    Same answers as Paginator.get_page: a page number that is not one gives the
    first page, one past the end gives the last page (a second query).
    """
    number = _page_number(number)
    showing = (
        ExpressionWrapper(Q(pk__in=readable), output_field=BooleanField())
        if readable is not None
        else Value(True, output_field=BooleanField())
    )
    terms = [_order_by(term) for term in ordering]
    keys = {f"listed_key_{index}": term.expression for index, term in enumerate(terms)}
    listed = (
        cases.order_by().annotate(listed_readable=showing, **keys).values_list("pk", "listed_readable", *keys)
    )
    listed_sql, listed_params = listed.query.sql_with_params()
    columns = ", ".join(f"k{index}" for index in range(len(terms)))
    order = ", ".join(f"k{index} {_direction(term)}" for index, term in enumerate(terms))
    # Three kinds of rows: the total, the page's ids with their position, the
    # flag counts. MATERIALIZED: the filtered cases are computed once, whatever
    # the planner would inline. The page is a top-N sort of the CTE (its
    # LIMIT); ROW_NUMBER() OVER () numbers its rows in the order it yields them.
    sql = (
        f"WITH {_CTE} (id, readable, {columns}) AS MATERIALIZED ({listed_sql})"
        f" SELECT 'total', NULL, NULL, COUNT(*) FROM {_CTE}"
        " UNION ALL SELECT 'page', page.id, NULL, ROW_NUMBER() OVER ()"
        f" FROM (SELECT id FROM {_CTE} ORDER BY {order} LIMIT %s OFFSET %s) page"
    )
    flags_params = ()
    if count_stalls:
        # `case_id IN (...)`: PostgreSQL probes the flags of each listed case, what
        # a user's list needs (hundreds to a few thousand cases). Written as a join,
        # it hashed the whole flags table instead (45 ms for a member's 427 cases).
        flags = (
            StallFlag.objects.open()
            .filter(case_id__in=RawSQL(f"SELECT id FROM {_CTE} WHERE readable", []))
            .order_by()
            .values_list("rule")
            .annotate(n=Count("pk"))
        )
        flags_sql, flags_params = flags.query.sql_with_params()
        sql += f" UNION ALL SELECT 'flags', NULL, counted.rule, counted.n FROM ({flags_sql}) counted"

    def fetch(number: int) -> tuple[int, list[int], dict[str, int]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, [*listed_params, per_page, (number - 1) * per_page, *flags_params])
            rows = cursor.fetchall()
        total = next(n for kind, _, _, n in rows if kind == "total")
        page = sorted((position, pk) for kind, pk, _, position in rows if kind == "page")
        counts = {rule: n for kind, _, rule, n in rows if kind == "flags"}
        return total, [pk for _, pk in page], counts

    total, ids, counts = fetch(number)
    paginator = Paginator(cases, per_page)
    paginator.count = total  # Paginator.count is a cached_property: set it
    if not ids and number > 1 and total:  # past the end: the last page, as get_page does
        number = paginator.num_pages
        total, ids, counts = fetch(number)
        paginator.count = total
    elif not ids:
        number = 1
    return ListSlice(page=Page(ids, number, paginator), ids=ids, stall_counts=counts)
