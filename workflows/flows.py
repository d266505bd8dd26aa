"""The parcours of a youth, as one viewflow Flow (domain.md §3).

Signalement → examen en cellule → classement (end) or orientations run in
parallel (rappel à l'ordre, CDDF, référent de parcours, prévention de la
récidive) → examen du bilan → clore (end) / prolonger (back to the référents'
follow-up) / réorienter (back to examen). A référent who declines, or whose
designation is withdrawn (their last seat in the partnership ended, see
workflows.receivers), sends their branch back to the designation task.

Nodes only call casework services (through `workflows.handlers` for human
tasks). Every human task carries its due date (`task.data["due_on"]`, and a
casework PendingStep); a non-interrupting database timer flags it overdue.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone
from viewflow import this
from viewflow.workflow import flow, lock

from casework.models import Case, Decision, PendingStep, ReferentDesignation
from casework.models.codes import Orientation
from casework.services import bilans, deadlines, decisions, referents
from permissions import roles
from workflows import forms
from workflows.models import CaseProcess, CaseTask
from workflows.views.tasks import SignalementView, TaskFormView

PARCOURS, RECIDIVE = ReferentDesignation.Kind.PARCOURS, ReferentDesignation.Kind.RECIDIVE

# Human task → (pending step, deadline setting). None: due date from the designation.
STEPS = {
    "examen": (PendingStep.Step.EXAMEN, "examen"),
    "rappel": (PendingStep.Step.RAPPEL, "rappel_held"),
    "cddf": (PendingStep.Step.CDDF, "cddf_hearing"),
    "designate": (PendingStep.Step.DESIGNATION, "referent_designation"),
    "accept": (PendingStep.Step.ACCEPTATION, "referent_acceptance"),
    "followup": (PendingStep.Step.SUIVI, None),
    "designate_recidive": (PendingStep.Step.DESIGNATION, "referent_designation"),
    "accept_recidive": (PendingStep.Step.ACCEPTATION, "referent_acceptance"),
    "followup_recidive": (PendingStep.Step.SUIVI, None),
    "examen_bilan": (PendingStep.Step.EXAMEN_BILAN, "bilan_examen"),
}


def _case(process) -> Case:
    return process.coerced.case


def oriented_to(code):
    """Split condition: the latest decision orders the orientation `code`."""

    def condition(activation) -> bool:
        decision = decisions.latest_decision(_case(activation.process))
        return decision is not None and code in decision.orientations

    return condition


def has_live(kind):
    """Split condition: a live designation of `kind` goes on after a prolongation."""

    def condition(activation) -> bool:
        return referents.designation_of(_case(activation.process), kind) is not None

    return condition


def accepted(kind):
    """If condition: the live designation of `kind` was accepted (else the
    référent declined it, or it was withdrawn from them, and the measure
    awaits a new designation)."""

    def condition(activation) -> bool:
        designation = referents.designation_of(_case(activation.process), kind)
        return designation is not None and designation.accepted_on is not None

    return condition


def coordinator_task(view, title):
    """A task any signed coordinator of the case's partnership may pick from the queue."""
    return (
        flow.View(view)
        .Annotation(title=title)
        .Permission(roles.COORDINATE, obj=lambda process: _case(process))
        .onCreate(this.open_step)
        .OnTimeout(this.due_moment, this.flag_overdue, interrupting=False, title="Échéance dépassée")
    )


def referent_task(view, title, owner):
    """A task assigned at once to the designated référent."""
    return (
        flow.View(view)
        .Annotation(title=title)
        .Assign(owner)
        .onCreate(this.open_step)
        .OnTimeout(this.due_moment, this.flag_overdue, interrupting=False, title="Échéance dépassée")
    )


class CaseFlow(flow.Flow):
    """Parcours d'un jeune

    Repérage, examen en cellule, orientations (rappel à l'ordre, CDDF, référent de
    parcours, prévention de la récidive), bilan de parcours et clôture.
    """

    process_class = CaseProcess
    task_class = CaseTask
    lock_impl = lock.select_for_update_lock
    process_title = "Parcours"
    process_description = "Suivi individualisé d'un jeune signalé à la cellule de veille."

    start = (
        flow.Start(SignalementView.as_view())
        .Annotation(title="Signalement")
        .Available(roles.can_signal)
        .Next(this.examen)
    )
    start_api = (
        flow.StartHandle(this.start_for_case).Annotation(title="Signalement enregistré").Next(this.examen)
    )

    examen = coordinator_task(TaskFormView.as_view(form_class=forms.ExamenForm), "Examen en cellule").Next(
        this.is_classement
    )
    is_classement = (
        flow.If(this.decided_classement)
        .Annotation(title="Classement ?")
        .Then(this.end_classement)
        .Else(this.orient)
    )
    orient = (
        flow.Split()
        .Annotation(title="Orientations")
        .Next(this.rappel, case=oriented_to(Orientation.RAPPEL_ORDRE))
        .Next(this.cddf, case=oriented_to(Orientation.CDDF))
        .Next(this.designate, case=oriented_to(Orientation.REFERENT))
        .Next(this.designate_recidive, case=oriented_to(Orientation.RECIDIVE))
    )

    rappel = coordinator_task(TaskFormView.as_view(form_class=forms.RappelForm), "Rappel à l'ordre").Next(
        this.join
    )
    cddf = coordinator_task(
        TaskFormView.as_view(form_class=forms.CddfForm), "Conseil des droits et devoirs des familles"
    ).Next(this.join)

    designate = coordinator_task(
        TaskFormView.as_view(form_class=forms.DesignateForm, designation_kind=PARCOURS),
        "Désignation du référent de parcours",
    ).Next(this.accept)
    accept = referent_task(
        TaskFormView.as_view(form_class=forms.AcceptForm),
        "Acceptation de la désignation",
        this.parcours_referent,
    ).Next(this.is_accepted)
    is_accepted = (
        flow.If(accepted(PARCOURS))
        .Annotation(title="Désignation acceptée ?")
        .Then(this.followup)
        .Else(this.designate)
    )
    followup = referent_task(
        TaskFormView.as_view(form_class=forms.BilanForm, template_name="workflows/followup.html"),
        "Suivi et bilan de parcours",
        this.parcours_referent,
    ).Next(this.is_followed)
    is_followed = (
        flow.If(accepted(PARCOURS))
        .Annotation(title="Référent en fonction ?")
        .Then(this.join)
        .Else(this.designate)
    )

    designate_recidive = coordinator_task(
        TaskFormView.as_view(form_class=forms.DesignateForm, designation_kind=RECIDIVE),
        "Désignation du référent PJJ/SPIP (récidive)",
    ).Next(this.accept_recidive)
    accept_recidive = referent_task(
        TaskFormView.as_view(form_class=forms.AcceptForm),
        "Acceptation de la désignation (récidive)",
        this.recidive_referent,
    ).Next(this.is_accepted_recidive)
    is_accepted_recidive = (
        flow.If(accepted(RECIDIVE))
        .Annotation(title="Désignation acceptée ?")
        .Then(this.followup_recidive)
        .Else(this.designate_recidive)
    )
    followup_recidive = referent_task(
        TaskFormView.as_view(form_class=forms.BilanForm, template_name="workflows/followup.html"),
        "Suivi et bilan (prévention de la récidive)",
        this.recidive_referent,
    ).Next(this.is_followed_recidive)
    is_followed_recidive = (
        flow.If(accepted(RECIDIVE))
        .Annotation(title="Référent en fonction ?")
        .Then(this.join)
        .Else(this.designate_recidive)
    )

    join = flow.Join().Annotation(title="Mesures terminées").Next(this.await_examen)
    await_examen = (
        flow.Function(this.mark_bilan_ready).Annotation(title="Bilan à examiner").Next(this.examen_bilan)
    )
    examen_bilan = coordinator_task(
        TaskFormView.as_view(form_class=forms.ExamenBilanForm), "Examen du bilan en cellule"
    ).Next(this.after_bilan)
    after_bilan = (
        flow.Switch()
        .Annotation(title="Décision sur le bilan")
        .Case(this.end_closed, this.is_closed)
        .Case(this.prolong, this.is_prolonged)
        .Default(this.examen)
    )
    prolong = (
        flow.Split()
        .Annotation(title="Prolongation")
        .Next(this.followup, case=has_live(PARCOURS))
        .Next(this.followup_recidive, case=has_live(RECIDIVE))
    )

    flag_overdue = (
        flow.Function(this.mark_overdue).Annotation(title="Signaler le retard").Next(this.overdue_end)
    )
    overdue_end = flow.End().Annotation(title="Retard signalé")
    end_classement = flow.End().Annotation(title="Situation classée")
    end_closed = flow.End().Annotation(title="Situation close")

    # --- Start -----------------------------------------------------------

    def start_for_case(self, activation, case: Case):
        """`CaseFlow.start_api.run(case=case)`: the case was signalled by a service."""
        activation.process.case = case
        return activation.process

    # --- Permissions -----------------------------------------------------

    def has_view_permission(self, user, obj=None):
        # The app opens to anyone with a role in the parcours; every screen is
        # then scoped per case (never the global `view_caseprocess` permission).
        return roles.can_use_workflow(user)

    def has_manage_permission(self, user, obj=None):
        # Cancel / undo / revive / reassign of other users' tasks stay closed.
        return False

    # --- Routing conditions ------------------------------------------------

    def decided_classement(self, activation) -> bool:
        decision = decisions.latest_decision(_case(activation.process))
        return decision is not None and decision.kind == Decision.Kind.CLASSEMENT

    def is_closed(self, activation) -> bool:
        return _case(activation.process).status == Case.Status.CLOS

    def is_prolonged(self, activation) -> bool:
        return _case(activation.process).status == Case.Status.ORIENTE

    # --- Assignees -----------------------------------------------------------

    def parcours_referent(self, activation):
        return referents.designation_of(_case(activation.process), PARCOURS).referent

    def recidive_referent(self, activation):
        return referents.designation_of(_case(activation.process), RECIDIVE).referent

    # --- Functions -------------------------------------------------------------

    def mark_bilan_ready(self, activation):
        bilans.case_await_bilan_examen(case=_case(activation.process))

    def open_step(self, activation):
        """Open the task's pending step and store its due date on the task."""
        case = _case(activation.process)
        step, deadline = STEPS[activation.flow_task.name]
        due_on = None
        if deadline is None:
            kind = RECIDIVE if activation.flow_task.name.endswith("_recidive") else PARCOURS
            due_on = referents.designation_of(case, kind).next_bilan_due_on
        elif step == PendingStep.Step.EXAMEN and not case.decisions.exists():
            due_on = case.signaled_on + deadlines.deadline_delta(case.partnership, deadline)
        pending = deadlines.step_open(case=case, step=step, due_on=due_on, deadline=deadline)
        activation.task.data.update(due_on=pending.due_on.isoformat(), step_id=pending.pk)
        activation.task.save(update_fields=["data"])

    def due_moment(self, activation):
        """The timer fires at the start of the day after the host task's due date."""
        host = activation.task.previous.get()
        due_on = datetime.fromisoformat(host.data["due_on"]).date()
        return timezone.make_aware(datetime.combine(due_on + timedelta(days=1), time.min))

    def mark_overdue(self, activation):
        timer = activation.task.previous.get()
        host = timer.previous.get()
        deadlines.step_flag_overdue(step_id=host.data["step_id"])
