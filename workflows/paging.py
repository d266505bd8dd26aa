"""The case list's page, its total and its stall counts: one walk of the visible cases.

The list asks three questions of the same filtered cases: which ids make up
the page, how many cases there are, and how many open stall flags of each rule
the cases showing their lateness carry. Asked separately, each question walks
the user's visible cases again (thousands for a coordinator, see bench/); here
one statement materialises the filtered cases once, numbered in the list's
order (a CTE), and answers the three from it.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet, Value, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber

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


def _page_number(number) -> int:
    try:
        return max(1, int(number))
    except (TypeError, ValueError):
        return 1


def list_slice(cases: QuerySet[Case], *, ordering: list, readable, number, per_page: int) -> ListSlice:
    """Page `number` of `cases` sorted by `ordering` (expressions or field names,
    ending with a unique key), the total, and the stall counts of the cases
    among `readable` (case ids; None: all of them) — in one query.

    Same answers as Paginator.get_page: a page number that is not one gives the
    first page, one past the end gives the last page (a second query).
    """
    number = _page_number(number)
    showing = (
        ExpressionWrapper(Q(pk__in=readable), output_field=BooleanField())
        if readable is not None
        else Value(True, output_field=BooleanField())
    )
    listed = (
        cases.order_by()
        .annotate(listed_position=Window(RowNumber(), order_by=ordering), listed_readable=showing)
        .values_list("pk", "listed_position", "listed_readable")
    )
    listed_sql, listed_params = listed.query.sql_with_params()
    flags = (
        StallFlag.objects.open()
        .filter(case_id__in=RawSQL(f"SELECT id FROM {_CTE} WHERE readable", []))
        .order_by()
        .values_list("rule")
        .annotate(n=Count("pk"))
    )
    flags_sql, flags_params = flags.query.sql_with_params()
    # Three kinds of rows: the total, the page's ids with their position, the
    # flag counts. MATERIALIZED: computed once, whatever the planner would inline.
    sql = (
        f"WITH {_CTE} (id, position, readable) AS MATERIALIZED ({listed_sql})"
        f" SELECT 'total', NULL, NULL, COUNT(*) FROM {_CTE}"
        f" UNION ALL SELECT 'page', id, NULL, position FROM {_CTE} WHERE position > %s AND position <= %s"
        f" UNION ALL SELECT 'flags', NULL, counted.rule, counted.n FROM ({flags_sql}) counted"
    )

    def fetch(number: int) -> tuple[int, list[int], dict[str, int]]:
        start = (number - 1) * per_page
        with connection.cursor() as cursor:
            cursor.execute(sql, [*listed_params, start, start + per_page, *flags_params])
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
