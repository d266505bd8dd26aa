"""Stall rules as data: what each rule watches, its deadline and escalation delays.

Each rule names a casework step (a key of settings.CASEWORK_DEFAULT_DEADLINES,
the same keys the workflow uses for task due dates) and who is reminded first.
Its delays, in days, are the settings defaults unless the partnership's
coordinator overrides them (casework.StepDeadline rows):

- `<step>`: the deadline; past it the case is stalled (reminder, level 1);
- `<step>.alerte`: days after the stall began before the coordinators are alerted (level 2);
- `<step>.seance`: days after the stall began before the case is proposed for
  the cell's next séance (level 3).

The SQL that finds stalled cases for each rule lives in notifications.detection.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.conf import settings
from django.db.models import Q

from casework.models import StepDeadline


class Responsible(StrEnum):
    REFERENT = "referent"
    COORDINATOR = "coordinator"


@dataclass(frozen=True)
class StallRule:
    code: str
    label: str  # French, shown in lists and emails: never nominative
    step: str
    responsible: Responsible
    help_text: str

    @property
    def steps(self) -> tuple[str, str, str]:
        return (self.step, f"{self.step}.alerte", f"{self.step}.seance")


RULES: tuple[StallRule, ...] = (
    StallRule(
        "examen",
        "Signalement non examiné",
        "examen",
        Responsible.COORDINATOR,
        "Le signalement doit être examiné en cellule dans le délai.",
    ),
    StallRule(
        "referent_designation",
        "Référent non désigné",
        "referent_designation",
        Responsible.COORDINATOR,
        "Un référent doit être désigné après la décision de la cellule.",
    ),
    StallRule(
        "referent_acceptance",
        "Désignation non acceptée",
        "referent_acceptance",
        Responsible.REFERENT,
        "Le référent désigné doit accepter le suivi.",
    ),
    StallRule(
        "first_contact",
        "Premier contact non établi",
        "first_contact",
        Responsible.REFERENT,
        "Le référent doit établir un premier contact après avoir accepté le suivi.",
    ),
    StallRule(
        "contact_gap",
        "Aucune activité dans le suivi",
        "contact_gap",
        Responsible.REFERENT,
        "Aucune entrée au journal pendant le suivi depuis ce délai.",
    ),
    StallRule(
        "bilan_due",
        "Bilan de parcours attendu",
        "bilan_interval",
        Responsible.REFERENT,
        "Un bilan de parcours est attendu à cet intervalle (ou à la date fixée par la cellule).",
    ),
    StallRule(
        "bilan_examen",
        "Bilan non examiné",
        "bilan_examen",
        Responsible.COORDINATOR,
        "Le bilan remis doit être examiné en cellule dans le délai.",
    ),
    StallRule(
        "case_review",
        "Situation ouverte depuis plus d'un an",
        "case_review",
        Responsible.COORDINATOR,
        "Toute situation ouverte au-delà de ce délai (depuis le signalement ou la dernière "
        "prolongation) doit être réexaminée.",
    ),
)

RULES_BY_CODE = {rule.code: rule for rule in RULES}
RULE_CHOICES = [(rule.code, rule.label) for rule in RULES]


def rule_label(code: str) -> str:
    rule = RULES_BY_CODE.get(code)
    return rule.label if rule else code


def default_days(step: str) -> int:
    """Settings default for a deadline step or an escalation step (`<step>.alerte|seance`)."""
    base, _, escalation = step.partition(".")
    if escalation:
        return settings.CASEWORK_DEFAULT_DEADLINES.get(step, settings.STALL_ESCALATION_DEFAULTS[escalation])
    return settings.CASEWORK_DEFAULT_DEADLINES[base]


class Delays:
    """Every rule's delays for every partnership, loaded in one query.

    `q(step, field, today)` turns "field older than the partnership's delay"
    into one Q: a clause per distinct override plus one for the default, so a
    rule stays one SQL query whatever the number of partnerships.
    """

    def __init__(self, overrides: dict[tuple[int, str], int]):
        self._overrides = overrides
        self._by_step: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        for (partnership_id, step), days in overrides.items():
            self._by_step[step][days].append(partnership_id)

    @classmethod
    def load(cls) -> "Delays":
        steps = [step for rule in RULES for step in rule.steps]
        rows = StepDeadline.objects.filter(step__in=steps).values_list("partnership_id", "step", "days")
        return cls({(partnership_id, step): days for partnership_id, step, days in rows})

    def days(self, partnership_id: int, step: str) -> int:
        return self._overrides.get((partnership_id, step), default_days(step))

    def q(self, step: str, field: str, today: date, *, partnership_field: str = "partnership_id") -> Q:
        """Rows whose `field` is at least the partnership's `step` delay before `today`."""
        groups = self._by_step.get(step, {})
        overridden = [pk for ids in groups.values() for pk in ids]
        clause = ~Q(**{f"{partnership_field}__in": overridden}) & Q(
            **{f"{field}__lte": today - timedelta(days=default_days(step))}
        )
        for days, ids in groups.items():
            clause |= Q(**{f"{partnership_field}__in": ids, f"{field}__lte": today - timedelta(days=days)})
        return clause
