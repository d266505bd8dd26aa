"""Page-number pagination of the case list over `permissions.paging.list_slice`.

DRF's PageNumberPagination counts the queryset, then slices it: two walks of
the user's visible cases (thousands for a coordinator). `list_slice` answers
both from one. The answers are DRF's: the same response shape, `page=last`,
and 404 for a page number that is not one or lies past the end.
"""

from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

from permissions.paging import MAX_PAGE_NUMBER, list_slice

# Past any real page: list_slice then answers the last one.


class CasePagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None) -> list[int]:
        """The ids of the requested page of `queryset` (ordered, ending with a unique key)."""
        self.request = request
        per_page = self.get_page_size(request)
        asked = request.query_params.get(self.page_query_param) or "1"
        last = asked in self.last_page_strings
        if last:
            number = MAX_PAGE_NUMBER
        elif asked.isdecimal() and int(asked) >= 1:
            number = int(asked)
        else:
            raise NotFound(self.invalid_page_message)
        listed = list_slice(
            queryset,
            ordering=list(queryset.query.order_by),
            readable=None,
            number=number,
            per_page=per_page,
            count_stalls=False,
        )
        if not last and listed.page.number != number:
            raise NotFound(self.invalid_page_message)
        self.page = listed.page
        # The browsable API's page links, as DRF shows them.
        self.display_page_controls = self.template is not None and self.page.paginator.num_pages > 1
        return listed.ids
