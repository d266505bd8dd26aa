"""The relevé de décisions of a séance: its rows, and its PDF.

Each case appears with its reference and the cell-summary sections only
(permissions.representations), narrowed to what the reader may see of it;
cases the reader no longer sees (archived, access ended) are left out and
counted. Every copy names its reader and the moment it was produced.
"""

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from casework.models import Case
from meetings.models import AgendaItem, Attendance, Seance
from permissions.representations import SECTIONS, Policy, cases_showing
from permissions.visibility import Representation

# Two lines in the PDF footer, one sentence on the page.
CONFIDENTIAL_LINES = (
    "Document confidentiel – informations échangées en cellule de veille (art. L132-5 du code de la",
    "sécurité intérieure) : ne pas communiquer à des tiers, ne pas reproduire.",
)
CONFIDENTIAL = " ".join(CONFIDENTIAL_LINES)


@dataclass
class ReleveRow:
    item: AgendaItem
    case: Case
    policy: Policy

    def lines(self, today) -> list[str]:
        """The case's cell-summary facts, as short French lines (policy order)."""
        case, policy, lines = self.case, self.policy, []
        youth = case.youth
        if "identity" in policy and youth is not None:
            lines.append(
                f"{youth.last_name.upper()} {youth.first_name}, {youth.get_sex_display().lower()}, "
                f"né(e) le {youth.birth_date:%d/%m/%Y}"
            )
        if "age" in policy:
            age = youth.age_on(today) if youth is not None else case.age_at_signalement
            lines.append(f"{age} ans (âge au signalement : {case.age_at_signalement} ans)")
        if "commune" in policy:
            lines.append(f"Commune : {case.commune.name}")
        if "profil" in policy:
            lines.append(f"Profil : {case.get_profil_display()}")
        if "motifs" in policy:
            lines.append("Motifs : " + ", ".join(m.get_code_display() for m in case.motifs.all()))
        return lines

    @property
    def outcome(self) -> str:
        if self.item.status == AgendaItem.Status.POSTPONED:
            target = self.item.postponed_to
            return "Reporté " + (f"à la séance du {target.label_date}" if target else "à la prochaine séance")
        return self.item.decision_summary


def releve_policy(representation: str) -> Policy:
    """Cell summary, never more than the reader's own representation of the case."""
    return Policy(
        representation=Representation.CELL_SUMMARY,
        sections=SECTIONS[Representation.CELL_SUMMARY] & SECTIONS[Representation(representation)],
    )


# What a row tells besides the case's facts: why it was on the agenda (lateness,
# a bilan) and what the cell decided (orientations, bilan outcome).
ROW_SECTIONS = ("orientations", "bilan_outcomes", "overdue")


def releve_rows(seance: Seance, reader) -> tuple[list[ReleveRow], int]:
    """Decided and postponed items of the cases the reader reads as a cell
    summary or in full (ROW_SECTIONS), in agenda order; and how many were left
    out. An attendee who now reads a case only as a scoped summary (their
    membership ended, a disclosure to their institution remains) gets no row."""
    items = list(
        seance.items.exclude(status=AgendaItem.Status.PENDING)
        .select_related("postponed_to")
        .order_by("position", "id")
    )
    cases = {
        case.pk: case
        for case in cases_showing(reader, *ROW_SECTIONS)
        .filter(pk__in=[item.case_id for item in items])
        .select_related("youth", "commune")
        .prefetch_related("motifs")
    }
    rows = [
        ReleveRow(
            item=item, case=cases[item.case_id], policy=releve_policy(cases[item.case_id].representation)
        )
        for item in items
        if item.case_id in cases
    ]
    return rows, len(items) - len(rows)


def attendance_lines(seance: Seance) -> tuple[list[Attendance], list[Attendance]]:
    attendances = list(seance.attendances.filter(invited=True).select_related("user", "institution"))
    return [a for a in attendances if a.present], [a for a in attendances if not a.present]


def copy_mark(reader, at: datetime) -> str:
    local = timezone.localtime(at)
    return f"Exemplaire de {reader.get_full_name() or reader.username} – édité le {local:%d/%m/%Y à %H:%M}"


# --- PDF ------------------------------------------------------------------------


def releve_pdf_bytes(seance: Seance, rows: list[ReleveRow], hidden: int, reader, at: datetime) -> bytes:
    """The relevé as a PDF: every page carries the reader's name and the date,
    diagonally across the page and in the footer."""
    buffer = BytesIO()
    mark = copy_mark(reader, at)
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=9, leading=11)

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFillColor(colors.Color(0.6, 0.6, 0.6, alpha=0.25))
        canvas.setFont("Helvetica-Bold", 22)
        canvas.translate(A4[0] / 2, A4[1] / 2)
        canvas.rotate(45)
        canvas.drawCentredString(0, 0, mark)
        canvas.restoreState()
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.drawString(1.5 * cm, 1.2 * cm, f"{mark} – page {doc.page}")
        canvas.drawString(1.5 * cm, 0.8 * cm, CONFIDENTIAL_LINES[0])
        canvas.drawString(1.5 * cm, 0.5 * cm, CONFIDENTIAL_LINES[1])
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=2 * cm,
        title=f"Relevé de décisions – {seance}",
        author=mark,
    )
    present, absent = attendance_lines(seance)
    story = [
        Paragraph(escape(f"Relevé de décisions – {seance.cell}"), styles["Title"]),
        Paragraph(
            escape(
                f"Séance du {timezone.localtime(seance.starts_at):%d/%m/%Y à %H:%M}, {seance.place}"
                + (" – relevé provisoire (séance non close)" if not seance.is_closed else "")
            ),
            styles["BodyText"],
        ),
        Paragraph(escape("Présents : " + _names(present)), small),
        Paragraph(escape("Excusés ou absents : " + _names(absent)), small),
        Spacer(1, 0.4 * cm),
    ]
    today = timezone.localdate()
    data = [["N°", "Situation", "Objet", "Décision"]]
    for row in rows:
        data.append(
            [
                str(row.item.position),
                Paragraph(
                    "<b>"
                    + escape(row.case.reference)
                    + "</b><br/>"
                    + "<br/>".join(escape(line) for line in row.lines(today)),
                    small,
                ),
                Paragraph(escape(row.item.get_kind_display()), small),
                Paragraph(escape(row.outcome), small),
            ]
        )
    table = Table(data, colWidths=[1 * cm, 7.5 * cm, 3.5 * cm, 6 * cm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
            ]
        )
    )
    story.append(table if rows else Paragraph("Aucune décision enregistrée.", styles["BodyText"]))
    if hidden:
        story.append(Spacer(1, 0.3 * cm))
        story.append(Paragraph(escape(_hidden_text(hidden)), small))
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def _names(attendances: list[Attendance]) -> str:
    return ", ".join(f"{a.user} ({a.institution})" for a in attendances) or "—"


def _hidden_text(hidden: int) -> str:
    return (
        f"{hidden} situation{'s' if hidden > 1 else ''} de cette séance "
        f"{'ne sont' if hidden > 1 else 'n’est'} plus consultable{'s' if hidden > 1 else ''} "
        "(archivée, purgée ou hors de vos droits)."
    )
