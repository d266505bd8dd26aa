"""A paginator that reads a page and the total in one query.

Django's Paginator counts the list, then reads the page: two walks of the same
filtered rows. For a coordinator's queue, each walk checks the visibility of
every open task of the partnership (~30 ms apiece on the bench). Here the
page's query carries `COUNT(*) OVER ()`: PostgreSQL sorts every matching row
for the page's ORDER BY ... LIMIT anyway, and counts them on the way.
"""

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Count, Window

_TOTAL = "paginator_total"


class WindowCountPaginator(Paginator):
    """Django's Paginator over a queryset, with the same answers; one query
    per page when the page has rows, the count then the page otherwise (a
    page past the end, an empty list)."""

    def page(self, number):
        if self.orphans or "count" in self.__dict__:
            return super().page(number)
        number = self.validate_number_without_count(number)
        bottom = (number - 1) * self.per_page
        rows = list(
            self.object_list.annotate(**{_TOTAL: Window(Count("*"))})[bottom : bottom + self.per_page]
        )
        if not rows:
            return super().page(number)
        self.count = getattr(rows[0], _TOTAL)  # Paginator.count is a cached_property: set it
        return self._get_page(rows, number, self)

    def validate_number_without_count(self, number) -> int:
        """`validate_number`'s checks that need no count: an integer, at least 1."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            return self.validate_number(number)  # raises PageNotAnInteger in Django's words
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number
