"""The parcours process: a viewflow Process with a real FK to the case, and a
proxy Task whose queue is scoped per case (engineering-notes §3)."""

from django.db import models
from viewflow.workflow.managers import TaskQuerySet
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from permissions import roles
from permissions.representations import case_filter_showing, case_filter_showing_per_row

# Object permissions that gate workflow tasks, checked per case.
OBJECT_SCOPED_TASK_PERMS = (roles.COORDINATE,)


class CaseProcess(Process):
    """One run of the parcours for one case. Case data stays in casework models."""

    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="processes")

    class Meta:
        verbose_name = "parcours"
        verbose_name_plural = "parcours"

    def __str__(self) -> str:
        return f"Parcours {self.case}" if self.case_id else "Parcours"


class ScopedTaskQuerySet(TaskQuerySet):
    """Tasks restricted to cases the user reads in full, with one SQL subquery per
    object permission (viewflow's stock queue reads guardian's generic tables
    only and loads every permission row in Python)."""

    def visible_to(self, user):
        """Tasks of the cases `user` reads in full: a task carries the parcours
        (its step, deadline and assignee), which only the full file shows."""
        return self.filter(case_filter_showing(user, "process__caseprocess__case", "journal"))

    def open_visible_to(self, user):
        """`visible_to` decided task by task (`case_filter_showing_per_row`): for
        one user's open tasks (queue, inbox), a few hundred rows at most."""
        return self.filter(case_filter_showing_per_row(user, "process__caseprocess__case", "journal"))

    def user_queue(self, user, flow_class=None):
        """The unassigned (NEW) human tasks `user` may take, of cases they read in full.

        NEW only: every caller asks for those (viewflow's queue and queue view,
        its next-task lookup), and the partial index `workflows_task_queue_idx`
        holds only them. The tasks are a union of id sets (the user's own, and
        per object permission those of the cases the user or their groups hold
        it on), each read from an index from the user's grants: written as one
        OR, PostgreSQL tested every open task of the département against the
        grants (~40 ms for a coordinator, see bench/).
        """
        queryset = self.filter(flow_task_type="HUMAN", status=STATUS.NEW)
        if flow_class is not None:
            queryset = queryset.filter(process__flow_class=flow_class)
        if not getattr(user, "is_authenticated", False):
            return queryset.none()
        new_tasks = Task.objects.filter(flow_task_type="HUMAN", status=STATUS.NEW).order_by()
        allowed = [new_tasks.filter(owner=user).values("pk")]
        for perm in OBJECT_SCOPED_TASK_PERMS:
            allowed += [
                new_tasks.filter(granted, owner_permission=perm).values("pk")
                for granted in roles.granted_case_pks_as_text(user, perm)
            ]
        # Tasks with neither owner nor permission would be open to everyone:
        # none exist in CaseFlow, and no arm selects them.
        return queryset.filter(pk__in=allowed[0].union(*allowed[1:], all=True)).open_visible_to(user)

    def inbox(self, flow_classes, user):
        return super().inbox(flow_classes, user).open_visible_to(user)

    def archive(self, flow_classes, user):
        return super().archive(flow_classes, user).visible_to(user)


class CaseTask(Task):
    objects = ScopedTaskQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "tâche"
        verbose_name_plural = "tâches"
