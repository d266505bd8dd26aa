"""CSV and XLSX exports of a report: the figures the dashboard shows, masked
the same way, each with its counting rule. Nothing nominative can reach them:
a report holds only aggregates."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from indicators.definitions import INDICATORS
from indicators.report import Report

HEADER = ["Territoire", "Période", "Code", "Indicateur", "Ventilation", "Groupe", "Valeur", "Unité", "Masqué"]
MASKING_NOTE = (
    "Données agrégées, sans donnée nominative. Au niveau des cellules et des communes (partenariat "
    "d'une seule commune ou d'une seule cellule), les effectifs inférieurs à {threshold} sont "
    "remplacés par « < {threshold} », et d'autres valeurs sont masquées quand il le faut pour "
    "qu'aucune ne puisse se déduire par soustraction, ni dans ce tableau ni en le rapprochant des "
    "autres périodes de l'année (semestres, mois) ou des autres cellules du partenariat."
)


def safe_text(value: str) -> str:
    """Neutralise spreadsheet formulas in text (CSV/formula injection)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def export_filename(report: Report, extension: str) -> str:
    return f"indicateurs_{report.territory.kind}-{report.territory.key}_{report.period.code}.{extension}"


def _value(record: dict):
    if record["suppressed"]:
        return record["display"]
    return record["value"]


def _lines(report: Report):
    territory, period = safe_text(report.territory.title), report.period.label
    for record in report.records():
        yield [
            territory,
            period,
            record["indicator"],
            safe_text(record["label"]),
            record["dimension_label"] or "Total",
            safe_text(record["group_label"]),
            _value(record),
            record["unit"],
            "oui" if record["suppressed"] else "non",
        ]


def to_csv(report: Report) -> bytes:
    """Semicolon-separated UTF-8 with BOM, decimal comma: what French spreadsheets open as is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for line in _lines(report):
        value = line[6]
        if isinstance(value, float):
            line[6] = f"{value:.1f}".replace(".", ",")
        writer.writerow(line)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Indicateurs"
    sheet.append([safe_text(report.territory.title), report.period.label])
    sheet.append([MASKING_NOTE.format(threshold=report.threshold)])
    sheet.append([])
    sheet.append(HEADER)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for line in _lines(report):
        sheet.append(line)
    for column, width in zip("ABCDEFGHI", (34, 18, 34, 44, 16, 34, 10, 8, 8), strict=True):
        sheet.column_dimensions[column].width = width
    rules = workbook.create_sheet("Définitions")
    rules.append(["Code", "Indicateur", "Règle de calcul"])
    for cell in rules[1]:
        cell.font = Font(bold=True)
    for indicator in INDICATORS.values():
        rules.append([indicator.code, indicator.label, indicator.rule])
    rules.column_dimensions["A"].width = 34
    rules.column_dimensions["B"].width = 44
    rules.column_dimensions["C"].width = 120
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
