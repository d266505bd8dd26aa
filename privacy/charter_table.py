"""The annual charter report laid out: the page's sections and the CSV export,
which share their columns. Aggregates only (permissions.charter_report)."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from operator import attrgetter

from indicators.exports import safe_text
from permissions.charter_report import CHANNELS, CharterReport, CharterReportRow


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable[[CharterReportRow], object]


def _in_force(row: CharterReportRow) -> str:
    if row.is_total:
        return f"{row.with_charter} sur {row.partnerships}"
    return "oui" if row.with_charter else "non"


def _reads(code: str) -> Callable[[CharterReportRow], int]:
    return lambda row: row.reads[code]


def sections(report: CharterReport) -> list[tuple[str, list[Column]]]:
    """(title, columns) of each table of the page, in order."""
    eve = report.start_date - timedelta(days=1)
    return [
        (
            "Charte de confidentialité",
            [
                Column("Charte en vigueur", _in_force),
                Column("Version en vigueur", attrgetter("charter_version")),
                Column("Adoptée le", attrgetter("charter_adopted_on")),
                Column("Versions adoptées dans l'année", attrgetter("versions_adopted")),
                Column("Signatures dans l'année", attrgetter("signatures")),
            ],
        ),
        (
            "Membres",
            [
                Column(f"Membres au {eve:%d/%m/%Y}", attrgetter("members_start")),
                Column("Entrées dans l'année", attrgetter("members_joined")),
                Column("Sorties dans l'année", attrgetter("members_left")),
                Column(f"Membres au {report.reference_date:%d/%m/%Y}", attrgetter("members")),
                Column("dont signataires de la charte en vigueur", attrgetter("members_signed")),
                Column("Part des signataires (%)", attrgetter("members_signed_pct")),
            ],
        ),
        (
            "Cellules de veille",
            [
                Column("Cellules actives", attrgetter("cells")),
                Column("dont avec une charte en vigueur", attrgetter("cells_with_charter")),
                Column("Part des cellules avec charte (%)", attrgetter("cells_with_charter_pct")),
            ],
        ),
        (
            "Bris de glace",
            [
                Column("Demandes de bris de glace", attrgetter("breakglass_requested")),
                Column("Accordées", attrgetter("breakglass_approved")),
                Column("Refusées", attrgetter("breakglass_refused")),
                Column("En attente", attrgetter("breakglass_pending")),
            ],
        ),
        (
            "Accès aux données nominatives",
            [
                Column("Consultations motivées de l'archive", attrgetter("archive_consultations")),
                *(Column(f"Lectures – {label}", _reads(code)) for code, label in CHANNELS),
                Column("Lectures journalisées (total)", attrgetter("reads_total")),
            ],
        ),
        (
            "Partages et conservation",
            [
                Column("Partages d'information", attrgetter("disclosures")),
                Column("Situations versées en archive", attrgetter("cases_archived")),
                Column("Situations purgées", attrgetter("cases_purged")),
            ],
        ),
    ]


def display(value) -> str:
    """A figure as the page shows it: "—" for none, decimal comma, French dates."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def to_csv(report: CharterReport, total_label: str) -> bytes:
    """Semicolon-separated UTF-8 with BOM, decimal comma: what French spreadsheets open as is.
    One line per partnership, then the total; empty cells for undefined figures."""
    columns = [column for _, section in sections(report) for column in section]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Année", "Partenariat", *(column.label for column in columns)])
    for row in [*report.rows, report.total]:
        label = total_label if row.is_total else row.label
        values = [column.value(row) for column in columns]
        writer.writerow(
            [report.year, safe_text(label), *("" if v is None else safe_text(display(v)) for v in values)]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
