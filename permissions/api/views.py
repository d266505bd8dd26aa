"""Read endpoints over `visible_cases`: list, search, detail, journal, access log.

Every case shown is logged (`log_access`) with the channel it was shown on.
Cases outside the user's scope answer 404, exactly like cases that do not
exist; members who owe a charter signature get 403 naming the charter.

A case embeds only its latest journal entries (`LIST_JOURNAL_PREVIEW` in a
list, `DETAIL_JOURNAL_PREVIEW` in the detail), with `journal_total` and
`journal_url`, the endpoint that pages the whole journal.
"""

from django.db.models import Q
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from unidecode import unidecode

from casework.models import Case, JournalEntry
from permissions.access import get_case_for_user, get_coordinated_case_for_user
from permissions.access_log import Channel, access_log_for_case, log_access
from permissions.api import schema  # noqa: F401  (registers the OpenAPI auth extensions)
from permissions.api.auth import ChartersSigned
from permissions.api.pagination import CasePagination
from permissions.api.presentation import (
    DETAIL_JOURNAL_PREVIEW,
    JOURNAL_PAGE_SIZE,
    LIST_JOURNAL_PREVIEW,
    journal_entries,
    present_cases,
    present_journal_entry,
    with_related,
)
from permissions.api.serializers import AccessLogSerializer, CaseSerializer, JournalEntrySerializer
from permissions.models import AccessLog
from permissions.representations import policy_for
from permissions.visibility import visible_cases, visible_page


def search_filter(term: str) -> Q:
    """Every word of `term` must appear in the youth's name (accents and case ignored) or the reference."""
    query = Q()
    for word in unidecode(term).lower().replace("-", " ").replace("'", " ").split():
        query &= Q(youth__identity_key__contains=word) | Q(reference__icontains=word)
    return query


class CaseList(generics.GenericAPIView):
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "api-cases"  # nominative reads, per user
    permission_classes = (IsAuthenticated, ChartersSigned)
    serializer_class = CaseSerializer
    pagination_class = CasePagination
    filter_backends = ()

    def get_queryset(self):
        queryset = visible_cases(self.request.user)
        term = self.request.query_params.get("search", "").strip()
        if term:
            queryset = queryset.filter(search_filter(term))
        return queryset.order_by("-signaled_on", "-id")

    @extend_schema(
        summary="Situations visibles",
        parameters=[OpenApiParameter("search", str, description="Nom du jeune ou référence du dossier")],
        responses=CaseSerializer(many=True),
    )
    def get(self, request):
        # Page on ids, then load the page's rows (permissions.visibility.visible_page).
        ids = self.paginate_queryset(self.get_queryset())
        page = visible_page(request.user, with_related(Case.objects.all()), list(ids))
        channel = Channel.SEARCH if request.query_params.get("search", "").strip() else Channel.API_LIST
        log_access(user=request.user, cases=page, channel=channel)
        data = present_cases(page, request.user, journal_limit=LIST_JOURNAL_PREVIEW, request=request)
        return self.get_paginated_response(data)


class CaseDetail(generics.GenericAPIView):
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "api-cases"  # nominative reads, per user
    permission_classes = (IsAuthenticated, ChartersSigned)
    serializer_class = CaseSerializer

    @extend_schema(summary="Une situation", responses=CaseSerializer)
    def get(self, request, pk: int):
        case = with_related(visible_cases(request.user).filter(pk=pk)).first()
        if case is None:
            raise Http404
        log_access(user=request.user, cases=case, channel=Channel.API_DETAIL)
        [data] = present_cases([case], request.user, journal_limit=DETAIL_JOURNAL_PREVIEW, request=request)
        return Response(data)


class JournalPagination(PageNumberPagination):
    """DRF's page-number pagination, `JOURNAL_PAGE_SIZE` entries a page (no `page_size` parameter)."""

    page_size = JOURNAL_PAGE_SIZE


class CaseJournal(generics.GenericAPIView):
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "api-cases"  # nominative reads, per user
    """The whole journal of a case, newest first, `JOURNAL_PAGE_SIZE` entries a page.

    For readers whose representation shows the journal (`"journal" in
    policy`, the rule `present_case` follows): any other reader gets the
    same 404 as for a case outside their scope or that does not exist. Each
    page read is logged like the detail (one `api_detail` entry)."""

    permission_classes = (IsAuthenticated, ChartersSigned)
    serializer_class = JournalEntrySerializer
    pagination_class = JournalPagination
    filter_backends = ()
    queryset = JournalEntry.objects.none()  # for the schema; rows come from journal_entries

    @extend_schema(
        summary="Journal d'une situation",
        description="Toutes les entrées du journal que vous lisez, la plus récente d'abord, "
        f"{JOURNAL_PAGE_SIZE} par page. 404 pour une situation que vous ne voyez pas, qui n'existe pas "
        "ou dont votre représentation ne montre pas le journal (synthèses).",
        responses=JournalEntrySerializer(many=True),
    )
    def get(self, request, pk: int):
        case = get_case_for_user(request.user, pk)
        policy = policy_for(case.representation)
        if "journal" not in policy:
            # Same answer as get_case_for_user's: whether the case exists stays unknown.
            raise Http404("Situation introuvable.")
        entries = self.paginate_queryset(journal_entries(request.user).filter(case=case))
        # Logged once the page is read: a page number out of range (404) shows nothing.
        log_access(user=request.user, cases=case, channel=Channel.API_DETAIL)
        free_text = "free_text" in policy
        return self.get_paginated_response([present_journal_entry(e, free_text=free_text) for e in entries])


class CaseAccessLog(generics.GenericAPIView):
    """Who displayed this case, when, in which representation: for its coordinators only."""

    permission_classes = (IsAuthenticated, ChartersSigned)
    serializer_class = AccessLogSerializer
    queryset = AccessLog.objects.none()  # for the schema; rows come from access_log_for_case

    @extend_schema(
        summary="Journal des accès à une situation",
        description="Qui a consulté la situation, quand et sous quelle forme : pour ses coordonnateurs.",
        responses=AccessLogSerializer(many=True),
    )
    def get(self, request, pk: int):
        case = get_coordinated_case_for_user(request.user, pk)
        page = self.paginate_queryset(access_log_for_case(case))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
