"""viewflow's frontend for CaseFlow, scoped per case (engineering-notes pitfall 4).

viewflow's process list/detail, task list and per-process pages check only the
global permission to enter the app. Here:

- every URL carrying a `process_pk` first checks that the user reads the
  process's case in full and that `task_pk` (if any) belongs to that
  process, else 404;
- the process list and detail redirect to our case list and case file;
- inbox, queue, archive and the task list only list tasks of cases the user
  reads in full (`CaseTask.objects.visible_to`);
- the drawer's inbox and queue badges reuse the count the page took;
- bulk assign/unassign are not exposed;
- a task completed or locked by someone else meanwhile gives a French message,
  never a 403 or a 500.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import URLPattern, URLResolver, reverse
from django.utils.safestring import mark_safe
from django.views import View
from django_filters import ChoiceFilter, DateRangeFilter, FilterSet, MultipleChoiceFilter
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.fields import get_task_ref
from viewflow.workflow.flow import FlowAppViewset
from viewflow.workflow.flow.views import (
    DashboardTaskListView,
    FlowArchiveListView,
    FlowInboxListView,
    FlowQueueListView,
)
from viewflow.workflow.flow.views.filters import NullDateRangeFilter
from viewflow.workflow.status import STATUS

from permissions.representations import case_filter_showing
from workflows.models import CaseProcess, CaseTask
from workflows.paginator import WindowCountPaginator
from workflows.services import TASK_BUSY, TASK_DONE


def _case_detail(process_pk) -> str:
    case_id = CaseProcess.objects.filter(pk=process_pk).values_list("case_id", flat=True).first()
    return reverse("situations:detail", args=[case_id])


def scoped_process_view(view):
    """Wrap a viewflow view whose URL names a process: 404 unless the user reads
    the case in full. viewflow's pages (task detail, chart, history) show the
    parcours, its deadlines and who holds each step: the full file's sections,
    not a summary's."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        process_pk, task_pk = kwargs["process_pk"], kwargs.get("task_pk")
        visible = CaseProcess.objects.filter(
            case_filter_showing(request.user, "case", "journal"), pk=process_pk
        ).exists()
        if not visible or (
            task_pk is not None and not CaseTask.objects.filter(pk=task_pk, process_id=process_pk).exists()
        ):
            raise Http404("Situation introuvable.")
        try:
            return view(request, *args, **kwargs)
        except FlowLockFailed:
            messages.error(request, TASK_BUSY)
        except PermissionDenied:
            task = CaseTask.objects.filter(pk=task_pk).first() if task_pk else None
            if task is None or task.status in (STATUS.NEW, STATUS.ASSIGNED):
                raise
            messages.error(request, TASK_DONE)
        return HttpResponseRedirect(_case_detail(process_pk))

    return wrapped


def _scope_patterns(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _scope_patterns(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and "process_pk" in str(pattern.pattern):
            pattern.callback = scoped_process_view(pattern.callback)
    return patterns


class _RedirectView(View):
    flow_class = None
    viewset = None


class InboxRedirectView(_RedirectView):
    def get(self, request, *args, **kwargs):
        return HttpResponseRedirect(self.viewset.reverse("inbox"))


class ProcessListRedirectView(_RedirectView):
    def get(self, request, *args, **kwargs):
        return HttpResponseRedirect(reverse("situations:index"))


class ProcessDetailRedirectView(_RedirectView):
    """Reached only through scoped_process_view: the case is visible."""

    def get(self, request, process_pk, **kwargs):
        return HttpResponseRedirect(_case_detail(process_pk))


def human_task_choices(flow_class) -> list[tuple[str, str]]:
    """The flow's human tasks (stored reference, French title), by title."""
    nodes = [node for node in flow_class.instance.nodes() if getattr(node, "task_type", None) == "HUMAN"]
    return sorted(
        ((get_task_ref(node), str(node.task_title)) for node in nodes), key=lambda choice: choice[1]
    )


class TaskFilter(FilterSet):
    """The task lists' filters: kind of task, creation date.

    viewflow's own filter lists the distinct tasks of the user's list and every
    process in it (a dropdown of process numbers): two more queries over every
    visible case on each page (90 ms for a coordinator at a département's
    scale). The kinds of task come from the flow instead, without a query.
    """

    flow_task = ChoiceFilter(label="Tâche")
    created = DateRangeFilter(label="Créée")

    class Meta:
        model = CaseTask
        fields = ("flow_task", "created")

    def __init__(self, *args, **kwargs):
        from workflows.flows import CaseFlow  # the flow imports the task views: import at use

        super().__init__(*args, **kwargs)
        self.filters["flow_task"].field.choices = human_task_choices(CaseFlow)


class ArchiveFilter(TaskFilter):
    finished = DateRangeFilter(label="Terminée")

    class Meta(TaskFilter.Meta):
        fields = ("flow_task", "created", "finished")


class TaskListFilter(TaskFilter):
    """The flow's task list: viewflow's filters (status, finished, where an empty
    `finished` without a status means the open tasks) with the kinds of task
    from the flow, like TaskFilter: viewflow's own filter read the distinct
    kinds of task of the listed tasks on each page."""

    status = MultipleChoiceFilter(label="État", choices=STATUS.choices)
    finished = NullDateRangeFilter(label="Terminée")

    class Meta(TaskFilter.Meta):
        fields = ("flow_task", "status", "created", "finished")


class TaskColumnsMixin:
    """Adds the case reference and the due date to viewflow's task lists."""

    columns = ("task_id", "task_title", "case_reference", "due_on", "created")

    def task_title(self, task):
        return task.title

    task_title.short_description = "Tâche"

    def case_reference(self, task):
        case = task.process.caseprocess.case
        url = reverse("situations:detail", args=[case.pk])
        return mark_safe(f'<a href="{url}">{case.reference}</a>')

    case_reference.short_description = "Situation"

    def due_on(self, task):
        return task.data.get("due_on", "")

    due_on.short_description = "Échéance"


def _scoped(queryset, request):
    return queryset.visible_to(request.user).select_related("process__caseprocess__case")


# Query parameters that do not narrow a task list: its count is then the badge's.
UNFILTERED_PARAMS = {"page", "_orderby"}


class BadgeCountMixin:
    """Hand the paginator's count to the drawer's badge of the same list.

    viewflow's drawer shows the number of tasks in the inbox and in the queue
    on every page of the parcours app; on the inbox or queue page itself,
    unfiltered, that is the count the paginator has just taken. Counting it
    again walks the user's grants a second time (a coordinator's queue on the
    bench: 44 ms of a 183 ms page).
    """

    badge = ""  # the viewset context key of the badge: "user_inbox" or "user_queue"
    # The page and the count in one query (workflows.paginator).
    paginator_class = WindowCountPaginator

    def paginate_queryset(self, queryset, page_size):
        paginated = super().paginate_queryset(queryset, page_size)
        if set(self.request.GET) <= UNFILTERED_PARAMS:
            paginator = paginated[0]
            self.request.task_badge_counts = {self.badge: paginator.count}
        return paginated


class BadgeCount:
    """A drawer badge: the task queryset's count, unless the page already took it.

    The menu templates read `.count` only; the count is taken when the
    template asks for it (after the page's view has run), not before.
    """

    def __init__(self, queryset, request, key: str):
        self.queryset, self.request, self.key = queryset, request, key

    def count(self) -> int:
        counted = getattr(self.request, "task_badge_counts", {}).get(self.key)
        return self.queryset.count() if counted is None else counted


class InboxView(BadgeCountMixin, TaskColumnsMixin, FlowInboxListView):
    title = "Mes tâches"
    filterset_class = TaskFilter
    badge = "user_inbox"

    def get_queryset(self):
        # The user's assigned tasks: few, so checked one by one (open_visible_to).
        return (
            super()
            .get_queryset()
            .open_visible_to(self.request.user)
            .select_related("process__caseprocess__case")
        )


class QueueView(BadgeCountMixin, TaskColumnsMixin, FlowQueueListView):
    title = "Tâches à prendre"
    filterset_class = TaskFilter
    badge = "user_queue"

    def get_queryset(self):
        # viewflow builds the queue with CaseTask.objects.user_queue, which is
        # already limited to visible cases (open_visible_to): a second filter
        # would check each task's case twice in each of the page's queries.
        return super().get_queryset().select_related("process__caseprocess__case")


class ArchiveView(TaskColumnsMixin, FlowArchiveListView):
    title = "Tâches terminées"
    filterset_class = ArchiveFilter

    def get_queryset(self):
        return _scoped(super().get_queryset(), self.request)


class TaskListView(TaskColumnsMixin, DashboardTaskListView):
    title = "Tâches"
    filterset_class = TaskListFilter
    # The filter set is bound on every page, the first one too (no query
    # string): unbound, django-filter applied no filter, so page 1 listed
    # every task, done ones included, and page 2 (bound by `?page=2`) the
    # open ones only: another count, and a 404 past their last page.
    filterset_initial = {"finished": ""}

    def get_queryset(self):
        return _scoped(super().get_queryset(), self.request)


class CaseFlowAppViewset(FlowAppViewset):
    dashboard_view_class = InboxRedirectView
    process_list_view_class = ProcessListRedirectView
    process_detail_view_class = ProcessDetailRedirectView
    inbox_view_class = InboxView
    queue_view_class = QueueView
    archive_view_class = ArchiveView
    task_list_view_class = TaskListView
    tasks_assign_path = None
    tasks_unassign_path = None

    def _get_urls(self):
        return _scope_patterns(super()._get_urls())

    def get_context_data(self, request):
        return {
            key: BadgeCount(tasks, request, key) for key, tasks in super().get_context_data(request).items()
        }
