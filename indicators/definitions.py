"""The indicators, their French labels and their counting rules (domain.md §5).

The counting rule (`rule`) is shown on the dashboard and written into the
exports, so that a figure sent to the préfecture always travels with its
definition. Indicator codes are stable identifiers (API, CSV, XLSX).
"""

from dataclasses import dataclass

from casework.models.codes import ClosureReason


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    rule: str
    kind: str = "count"  # "count" | "median" | "percent"
    unit: str = ""
    # Counts of youths or of measures about them: masked below the threshold
    # at commune and cell level (indicators.suppression). Counts of cells and
    # memberships are not.
    suppressible: bool = True
    # A median is masked when the count it is computed on is masked.
    population: str | None = None
    # Shown as a monthly series on the dashboard.
    series: bool = False


CLOSURE_PREFIX = "closures."

_INDICATORS = [
    Indicator(
        "youths_signalled",
        "Jeunes repérés",
        "Jeunes distincts dont un signalement est daté de la période et qui n'avaient pas été signalés "
        "dans le même partenariat avant la période. Un jeune suivi dans deux partenariats compte deux "
        "fois. Les situations d'un même jeune restent liées par un numéro sans identité, conservé "
        "après la purge : la purge ne change pas ce décompte.",
        series=True,
    ),
    Indicator(
        "rappels_held",
        "Rappels à l'ordre réalisés",
        "Rappels à l'ordre d'issue « réalisé » tenus pendant la période.",
        series=True,
    ),
    Indicator(
        "cddf_referrals",
        "Saisines du CDDF",
        "Saisines du conseil des droits et devoirs des familles datées de la période.",
        series=True,
    ),
    Indicator(
        "parental_support_accepted",
        "Accompagnements parentaux acceptés",
        "Saisines du CDDF dont l'accompagnement parental a été accepté, datées par l'audition de la "
        "famille (à défaut la saisine) pendant la période.",
        series=True,
    ),
    Indicator(
        "followups_referent",
        "Jeunes suivis par un référent de parcours",
        "Jeunes distincts ayant un référent de parcours accepté, actif au moins un jour de la période.",
    ),
    Indicator(
        "followups_recidive",
        "Jeunes suivis en prévention de la récidive",
        "Jeunes distincts ayant un référent PJJ/SPIP de prévention de la récidive accepté, actif au "
        "moins un jour de la période.",
    ),
    Indicator(
        "bilans_presented",
        "Bilans de parcours présentés",
        "Bilans de parcours remis à la cellule pendant la période.",
        series=True,
    ),
    Indicator(
        "closures",
        "Clôtures",
        "Situations clôturées pendant la période, tous motifs confondus.",
        series=True,
    ),
    *[
        Indicator(
            f"{CLOSURE_PREFIX}{reason.value}",
            f"Clôtures – {reason.label}",
            f"Situations clôturées pendant la période pour le motif « {reason.label} ».",
        )
        for reason in ClosureReason
    ],
    Indicator(
        "stalled_cases",
        "Situations bloquées",
        "Situations qui ont été bloquées au moins un jour de la période : une étape a dépassé son délai "
        "sans action (signalement non examiné, référent non désigné, absence de contact, bilan en "
        "retard…), d'après les blocages relevés par la détection automatique.",
    ),
    Indicator(
        "cases_examined",
        "Situations examinées",
        "Situations dont le premier examen en cellule a eu lieu pendant la période.",
    ),
    Indicator(
        "median_days_to_examen",
        "Délai médian signalement → examen",
        "Médiane, sur les situations examinées pendant la période, du nombre de jours entre le "
        "signalement et le premier examen en cellule.",
        kind="median",
        unit="jours",
        population="cases_examined",
    ),
    Indicator(
        "designations_first_bilan",
        "Référents ayant remis un premier bilan",
        "Désignations de référent dont le premier bilan de parcours a été remis pendant la période.",
    ),
    Indicator(
        "median_days_to_first_bilan",
        "Délai médian désignation → premier bilan",
        "Médiane, sur les désignations dont le premier bilan a été remis pendant la période, du "
        "nombre de jours entre la désignation du référent et ce premier bilan.",
        kind="median",
        unit="jours",
        population="designations_first_bilan",
    ),
    Indicator(
        "cells_active",
        "Cellules de veille actives",
        "Cellules actives du territoire à la fin de la période (ou aujourd'hui si elle est en cours).",
        suppressible=False,
    ),
    Indicator(
        "cells_met",
        "Cellules de veille réunies",
        "Cellules actives qui ont tenu au moins une séance pendant la période (séance tenue ou close).",
        suppressible=False,
    ),
    Indicator(
        "cells_with_charter",
        "Cellules avec une charte en vigueur",
        "Cellules actives dont le partenariat a adopté une charte de confidentialité à la date de "
        "référence (fin de la période, ou aujourd'hui).",
        suppressible=False,
    ),
    Indicator(
        "cells_with_charter_pct",
        "% de cellules avec une charte en vigueur",
        "Cellules avec une charte en vigueur ÷ cellules actives.",
        kind="percent",
        unit="%",
        suppressible=False,
    ),
    Indicator(
        "members_current",
        "Membres des cellules",
        "Adhésions en cours à la date de référence des membres des cellules du territoire.",
        suppressible=False,
    ),
    Indicator(
        "members_signed",
        "Membres signataires de la charte en vigueur",
        "Parmi ces adhésions, celles dont le titulaire a signé, à la date de référence, la dernière "
        "version adoptée de la charte de son partenariat.",
        suppressible=False,
    ),
    Indicator(
        "members_signed_pct",
        "% de membres signataires de la charte en vigueur",
        "Membres signataires de la charte en vigueur ÷ membres des cellules.",
        kind="percent",
        unit="%",
        suppressible=False,
    ),
]

INDICATORS: dict[str, Indicator] = {indicator.code: indicator for indicator in _INDICATORS}
CLOSURE_CODES = [code for code in INDICATORS if code.startswith(CLOSURE_PREFIX)]
SERIES_CODES = [indicator.code for indicator in _INDICATORS if indicator.series]
