"""Case screens: the list of my cells' cases, the case file, the référent's contact form.

Every read goes through `visible_cases` / `get_case_for_user` (404 when out of
scope); what a case shows is decided by `permissions.representations`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from types import SimpleNamespace

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import FormView
from unidecode import unidecode
from viewflow.workflow import chart
from viewflow.workflow.status import STATUS

from casework.models import Case, PendingStep
from casework.models.codes import Motif, Profil
from casework.services.errors import ServiceError
from casework.services.referents import contact_record, current_designations
from notifications.lateness import Late, late_items
from notifications.models import StallFlag
from notifications.selectors import annotate_stall_order, labelled_stall_counts
from permissions import roles
from permissions.access import get_case_for_user, is_signed_coordinator, journal_filter
from permissions.access_log import Channel, log_access
from permissions.paging import list_slice
from permissions.representations import case_ids_showing, cells_showing_cases, policy_for
from permissions.visibility import visible_cases, visible_page
from workflows import forms
from workflows.list_rows import row_sections
from workflows.models import CaseTask

PAGE_SIZE = 25
# The case file shows the latest journal entries; the journal page, all of them.
JOURNAL_PREVIEW = 50
JOURNAL_PAGE_SIZE = 100


def overdue_exists():
    return Exists(PendingStep.objects.overdue().filter(case=OuterRef("pk")))


# The sections the list filters and sorts on beyond status and search: scoped
# summaries hide them, so that a filter, the stall sort, the stall counts and
# the cell menu cover only the cases whose representation shows them.
FILTERED_SECTIONS = ("motifs", "profil", "cell", "overdue")


def list_filters(cases: QuerySet[Case], params, readable) -> QuerySet[Case]:
    """The list's filters and search. Status, reference and name are shown by
    every representation; a filter on motif, profil, cell, overdue steps or
    stalls (FILTERED_SECTIONS) would tell a scoped-summary reader which of
    their cases match, so the filtered list keeps only `readable`, the cases
    showing those sections (None: `cases` holds no others)."""
    if params.get("statut") in Case.Status.values:
        cases = cases.filter(status=params["statut"])
    elif params.get("statut") != "tous":
        cases = cases.filter(status__in=Case.OPEN_STATUSES)
    query = params.get("q", "").strip()
    if query:
        key = " ".join(unidecode(query).lower().replace("-", " ").split())
        cases = cases.filter(Q(reference__icontains=query) | Q(youth__identity_key__contains=key))
    hidden = []
    if params.get("motif") in Motif.values:
        hidden.append(Q(motifs__code=params["motif"]))
    if params.get("profil") in Profil.values:
        hidden.append(Q(profil=params["profil"]))
    if params.get("cellule", "").isdecimal():
        hidden.append(Q(cell_id=int(params["cellule"])))
    if params.get("retard") == "1":
        hidden.append(overdue_exists())
    if params.get("bloque") == "1":
        hidden.append(Exists(StallFlag.objects.open().filter(case=OuterRef("pk"))))
    if hidden and readable is not None:
        cases = cases.filter(pk__in=readable)
    return cases.filter(*hidden)


# An int the URL converters accept and no route contains otherwise.
_PK_PLACEHOLDER = 2147483647


def url_of_pk(name: str) -> Callable[[int], str]:
    """`pk -> reverse(name, args=[pk])`, reversing once: a list page links 50 rows."""
    before, after = reverse(name, args=[_PK_PLACEHOLDER]).split(str(_PK_PLACEHOLDER))
    return lambda pk: f"{before}{int(pk)}{after}"


# What CaseRow, the list template and the access log read of a case; the
# related names come as annotations (no Youth, Cell, Commune instances: a
# page builds 50 rows).
ROW_FIELDS = ("reference", "status", "profil", "age_at_signalement", "signaled_on")
ROW_NAMES = {
    "youth_first_name": F("youth__first_name"),
    "youth_last_name": F("youth__last_name"),
    "cell_name": F("cell__name"),
    "commune_name": F("commune__name"),
}
STATUS_LABELS = dict(Case.Status.choices)
PROFIL_LABELS = dict(Profil.choices)
MOTIF_LABELS = dict(Motif.choices)


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list, holding only what the case's representation shows."""

    case: Case
    url: str
    # The template reads the row's own fields only: each dotted lookup costs
    # the template engine a failed subscript first (~1 µs, 500 per page).
    reference: str
    age: int
    youth: str
    commune: str
    cell: str
    motifs: str
    profil: str
    status: str
    late: list[Late]

    @staticmethod
    def queryset() -> QuerySet[Case]:
        """Cases with what a row reads, and only that (a list page builds 50 of
        them: unread columns cost their conversion); `visible_page` narrows it
        to the page's ids."""
        return Case.objects.only(*ROW_FIELDS).annotate(**ROW_NAMES)

    @classmethod
    def build(cls, cases: list[Case]) -> list["CaseRow"]:
        """The rows of `cases` (from `CaseRow.queryset` through the visibility
        policy, which set their `representation`), with their motifs and their
        lateness (open stall flags, overdue steps): one query for the page
        (`workflows.list_rows`), reading each section only for the rows whose
        representation shows it."""

        def showing(section: str) -> list[int]:
            return [case.pk for case in cases if section in policy_for(case.representation)]

        sections = row_sections(motif_ids=showing("motifs"), late_ids=showing("overdue"))
        url = url_of_pk("situations:detail")
        return [
            cls.of(
                case,
                [MOTIF_LABELS.get(code, code) for code in sections.motifs.get(case.pk, [])],
                late_items(sections.steps.get(case.pk, []), sections.flags.get(case.pk, [])),
                url=url,
            )
            for case in cases
        ]

    @classmethod
    def of(cls, case: Case, motifs: list[str], late: list[Late], *, url: Callable[[int], str]) -> "CaseRow":
        """One row; the case's representation decides which fields it holds.
        `url`: the case file's URL from its pk (`url_of_pk("situations:detail")`)."""
        policy = policy_for(case.representation)
        return cls(
            case=case,
            url=url(case.pk),
            reference=case.reference,
            age=case.age_at_signalement,
            # A purged youth leaves no name (youth is NULL).
            youth=f"{case.youth_last_name.upper()} {case.youth_first_name}"
            if case.youth_last_name is not None
            else "—",
            commune=case.commune_name if "commune" in policy else "",
            cell=case.cell_name if "cell" in policy else "",
            motifs=", ".join(motifs) if "motifs" in policy else "",
            profil=PROFIL_LABELS.get(case.profil, case.profil) if "profil" in policy else "",
            status=STATUS_LABELS.get(case.status, case.status),
            late=late if "overdue" in policy else [],
        )


class CaseListView(View):
    """Cases of my cell(s): filters (status, motif, profil, overdue, cell), search, pages.

    The query count does not depend on the page size: one query for the page's
    ids, the total and the stall counts of the filtered cases (one walk of the
    visible cases, `permissions.paging`), one for the page's rows
    (representation, related rows), one for their motifs, stall flags and
    overdue steps (`workflows.list_rows`), one for the cell filter. The representation is computed for
    the page's rows only, and decides alone which of them are shown.
    """

    template_name = "workflows/case_list.html"

    def get(self, request):
        user, params = request.user, request.GET
        readable = case_ids_showing(user, *FILTERED_SECTIONS)
        cases = list_filters(visible_cases(user), params, readable)
        if params.get("tri") == "blocage":
            cases = annotate_stall_order(cases, among=readable)
            ordering = [F("stalled_level").desc(nulls_last=True), "stalled_since", "-id"]
        else:
            ordering = ["-signaled_on", "-id"]
        # The page, the total and the stall counts of the readable cases: one walk.
        listed = list_slice(
            cases, ordering=ordering, readable=readable, number=params.get("page"), per_page=PAGE_SIZE
        )
        page, ids = listed.page, listed.ids
        page.object_list = visible_page(user, CaseRow.queryset(), ids)
        log_access(user=user, cases=page.object_list, channel=Channel.UI_LIST)
        filters = params.copy()
        filters.pop("page", None)
        return render(
            request,
            self.template_name,
            {
                "page": page,
                "rows": CaseRow.build(page.object_list),
                "cells": cells_showing_cases(user),
                "can_signal": roles.can_signal(user),
                "statuses": Case.Status.choices,
                "motifs": Motif.choices,
                "profils": Profil.choices,
                "params": params,
                "querystring": filters.urlencode(),
                "stall_counts": labelled_stall_counts(listed.stall_counts),
            },
        )


class _NodeStatuses:
    """What `chart.calc_cell_status` reads and writes of a chart's grid: the
    flow's nodes and each one's status. viewflow's own rule then decides the
    statuses without the chart being laid out."""

    def __init__(self, nodes):
        self.nodes = nodes
        self._cells = {node: SimpleNamespace(status=None) for node in nodes}

    def __getitem__(self, node):
        return self._cells[node]

    def key(self) -> tuple[tuple[str, str | None], ...]:
        return tuple((node.name, self._cells[node].status) for node in self.nodes)


@cache
def _flow_nodes(flow_class) -> tuple:
    return tuple(chart.calc_layout_data(flow_class).nodes)


@lru_cache(maxsize=64)
def _chart_svg(flow_class, statuses: tuple[tuple[str, str | None], ...]) -> str:
    """The chart of `flow_class` with `statuses` ((node name, status) pairs).

    Laying the chart out and rendering it took ~7 ms a case file (bench/); a
    flow's processes share few sets of statuses, and the SVG holds nothing
    else (node titles and statuses: no case data), so it is kept per set."""
    grid = chart.calc_layout_data(flow_class)
    by_name = dict(statuses)
    for node in grid.nodes:
        grid[node].status = by_name.get(node.name)
    return mark_safe(chart.grid_to_svg(grid))  # generated by viewflow from our node titles


def flow_chart_svg(process) -> str:
    """The parcours chart with the process's current steps highlighted (one query)."""
    statuses = _NodeStatuses(_flow_nodes(process.flow_class))
    chart.calc_cell_status(process.flow_class, statuses, process.pk)
    return _chart_svg(process.flow_class, statuses.key())


def case_lateness(case: Case) -> list[Late]:
    """The case's open stall flags and uncovered overdue steps (notifications.lateness)."""
    steps = case.pending_steps.overdue().values_list("step", "due_on")
    return late_items(steps, StallFlag.objects.open().filter(case=case))


class CaseDetailView(View):
    """The case file, in the representation the user is entitled to."""

    template_name = "workflows/case_detail.html"

    def get(self, request, pk):
        case = get_case_for_user(request.user, pk)
        policy = policy_for(case.representation)
        log_access(user=request.user, cases=case, channel=Channel.UI_DETAIL)
        process = case.processes.order_by("-pk").first()
        tasks = []
        # The current steps carry their measures' deadlines and whom they are
        # assigned to: the parcours, shown with the full file only (as the
        # parcours pages and task lists); summaries keep the lateness alone.
        if process is not None and "journal" in policy:
            for task in CaseTask.objects.filter(
                process=process, flow_task_type="HUMAN", status__in=[STATUS.NEW, STATUS.ASSIGNED]
            ).select_related("owner"):
                tasks.append(
                    {
                        "task": task,
                        "due_on": date.fromisoformat(task.data["due_on"])
                        if task.data.get("due_on")
                        else None,
                        "can_assign": task.status == STATUS.NEW
                        and task.flow_task.can_assign(request.user, task),
                        "can_execute": task.flow_task.can_execute(request.user, task),
                    }
                )
        # The latest entries; a file followed for years has hundreds (situations:journal).
        journal = (
            list(
                case.journal.filter(journal_filter(request.user)).select_related("actor")[
                    : JOURNAL_PREVIEW + 1
                ]
            )
            if "journal" in policy
            else []
        )
        context = {
            "case": case,
            "policy": policy,
            "motifs": case.motifs.all(),
            "decision": case.decisions.order_by("-id").first(),
            "designations": list(current_designations(case)) if "referent" in policy else [],
            "late": case_lateness(case) if "overdue" in policy else [],
            "rappels": case.rappels.all() if "measures" in policy else [],
            "cddfs": case.cddf_referrals.all() if "measures" in policy else [],
            "all_designations": case.designations.select_related("referent", "institution")
            if "measures" in policy
            else [],
            "bilans": case.bilans.all() if "bilan_outcomes" in policy else [],
            "journal": journal[:JOURNAL_PREVIEW],
            "journal_more": len(journal) > JOURNAL_PREVIEW,
            "tasks": tasks,
            "process": process,
            "chart": flow_chart_svg(process) if process is not None and "journal" in policy else "",
            "disclosures": case.disclosures.select_related("institution") if "disclosures" in policy else [],
            "is_coordinator": is_signed_coordinator(request.user, case.partnership),
            "is_referent": case.designations.filter(
                referent=request.user, accepted_on__isnull=False, ended_on__isnull=True
            ).exists(),
        }
        return render(request, self.template_name, context)


class CaseJournalView(View):
    """The whole journal of a case, 100 entries a page, for readers whose
    representation shows the journal; anyone else gets 404, like an unknown case."""

    template_name = "workflows/case_journal.html"

    def get(self, request, pk):
        case = get_case_for_user(request.user, pk)
        policy = policy_for(case.representation)
        if "journal" not in policy:
            raise Http404("Situation introuvable.")
        log_access(user=request.user, cases=case, channel=Channel.UI_DETAIL)
        entries = case.journal.filter(journal_filter(request.user)).select_related("actor")
        page = Paginator(entries, JOURNAL_PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, self.template_name, {"case": case, "policy": policy, "page": page})


class ContactCreateView(FormView):
    """The current référent records a contact or action (coded, optional note)."""

    form_class = forms.ContactForm
    template_name = "workflows/contact.html"

    def dispatch(self, request, *args, **kwargs):
        self.case = get_case_for_user(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(case=self.case, note_warning=forms.NOTE_WARNING, **kwargs)

    def form_valid(self, form):
        try:
            contact_record(case=self.case, by=self.request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, "Contact enregistré dans le journal.")
        return HttpResponseRedirect(reverse("situations:detail", args=[self.case.pk]))
