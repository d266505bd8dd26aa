"""Right-of-access PDF (reportlab): everything held on one youth, watermarked on every page."""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from privacy.dossier import CaseFile, YouthFile

STYLES = getSampleStyleSheet()
CELL = STYLES["BodyText"].clone("cell", fontSize=8, leading=10)
TABLE_STYLE = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _p(text, style=CELL) -> Paragraph:
    return Paragraph(escape("" if text is None else str(text)).replace("\n", "<br/>"), style)


def _date(value) -> str:
    if value is None:
        return "—"
    if hasattr(value, "hour"):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def _table(header: list[str], rows: list[list], widths: list[float] | None = None) -> list:
    if not rows:
        return [_p("Aucun élément.")]
    data = [[_p(h) for h in header]] + [[_p(cell) for cell in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TABLE_STYLE)
    return [table]


def _section(title: str) -> list:
    return [Spacer(1, 0.3 * cm), Paragraph(escape(title), STYLES["Heading3"])]


def _case_story(file: CaseFile) -> list:
    case = file.case
    story = [Spacer(1, 0.5 * cm), Paragraph(escape(f"Situation {case.reference}"), STYLES["Heading2"])]
    story += _table(
        ["Cellule", "Signalée le", "Par", "Profil", "Motifs", "Statut", "Close le", "Motif de clôture"],
        [
            [
                case.cell,
                _date(case.signaled_on),
                case.source_institution,
                case.get_profil_display(),
                ", ".join(m.get_code_display() for m in file.motifs),
                case.get_status_display(),
                _date(case.closed_on),
                case.get_closure_reason_display() or "—",
            ]
        ],
    )
    story += _section("Décisions de la cellule")
    story += _table(
        ["Date", "Décision", "Orientations", "Institution pilote"],
        [
            [
                _date(d.decided_on),
                d.get_kind_display(),
                ", ".join(d.orientation_labels()),
                d.pilot_institution or "—",
            ]
            for d in file.decisions
        ],
    )
    story += _section("Mesures")
    rows = [
        [
            "Rappel à l'ordre",
            r.get_status_display(),
            f"prévu {_date(r.planned_on)}, tenu {_date(r.held_on)}",
            r.get_outcome_display() or "—",
        ]
        for r in file.rappels
    ]
    rows += [
        [
            "CDDF",
            c.get_status_display(),
            f"saisine {_date(c.saisine_on)}, audition {_date(c.hearing_on)}",
            f"accompagnement parental : {c.get_accompagnement_display().lower()}",
        ]
        for c in file.cddf_referrals
    ]
    rows += [
        [
            d.get_kind_display(),
            d.get_status_display(),
            f"désigné {_date(d.designated_on)}, accepté {_date(d.accepted_on)}, fin {_date(d.ended_on)}",
            f"{d.referent or '—'} ({d.institution or '—'})",
        ]
        for d in file.designations
    ]
    story += _table(["Mesure", "État", "Dates", "Détail"], rows)
    story += _section("Bilans de parcours")
    story += _table(
        ["Remis le", "Période", "Adhésion", "Situation", "Préconisation", "Observations"],
        [
            [
                _date(b.presented_on),
                f"{_date(b.period_start)} – {_date(b.period_end)}",
                b.get_adhesion_display(),
                b.get_situation_display(),
                b.get_recommendation_display(),
                b.text,
            ]
            for b in file.bilans
        ],
    )
    story += _section("Information de la personne")
    story += _table(
        ["Destinataire", "Informé le", "Moyen", "Adhésion", "Motif d'absence d'information"],
        [
            [
                i.get_addressee_display(),
                _date(i.informed_on),
                i.get_channel_display() or "—",
                i.get_adhesion_display() or "—",
                i.not_informed_reason or "—",
            ]
            for i in file.informations
        ],
    )
    story += _section("Partages d'information")
    story += _table(
        ["Institution", "Du", "Au", "Motif", "Révoqué le"],
        [
            [d.institution, _date(d.starts_on), _date(d.ends_on), d.reason, _date(d.revoked_at)]
            for d in file.disclosures
        ],
    )
    story += _section("Journal de la situation")
    story += _table(
        ["Date", "Auteur", "Événement", "Note"],
        [[_date(e.occurred_on), e.actor or "—", e.summary, e.note] for e in file.journal],
        widths=[2.2 * cm, 3.5 * cm, 6 * cm, 5.3 * cm],
    )
    return story


def render_subject_access_pdf(file: YouthFile, *, produced_by, partnership) -> bytes:
    """The PDF bytes. Every page carries the watermark and who produced it, when."""
    produced_at = timezone.localtime()
    footer = f"Produit le {produced_at:%d/%m/%Y à %H:%M} par {produced_by} – {partnership}"

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica-Bold", 40)
        canvas.setFillColor(colors.Color(0.85, 0.85, 0.85))
        canvas.translate(A4[0] / 2, A4[1] / 2)
        canvas.rotate(45)
        canvas.drawCentredString(0, 0, "CONFIDENTIEL – DROIT D'ACCÈS")
        canvas.restoreState()
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(2 * cm, 1.2 * cm, footer)
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"Page {doc.page}")
        canvas.restoreState()

    story = [
        Paragraph("Relevé des données détenues – droit d'accès", STYLES["Title"]),
        _p(
            f"Responsable du traitement : {partnership}. Ce relevé reprend toutes les données que l'outil de "
            "suivi des jeunes de la cellule de veille détient sur la personne, ainsi que la liste des accès à "
            "son dossier. Les données sont conservées pendant le suivi, puis trois ans en archive "
            "intermédiaire, et supprimées au plus tard aux 25 ans de la personne.",
            STYLES["BodyText"],
        ),
        *_section("Identité"),
        *_table(
            ["Nom", "Prénom", "Date de naissance", "Sexe", "Commune"],
            [
                [y.last_name, y.first_name, _date(y.birth_date), y.get_sex_display(), y.commune]
                for y in file.identities
            ],
        ),
    ]
    for case in file.cases:
        story += _case_story(case)
    story += [Spacer(1, 0.5 * cm), Paragraph("Accès au dossier", STYLES["Heading2"])]
    story += _table(
        ["Date", "Utilisateur", "Institution", "Situation", "Canal", "Motif"],
        [
            [
                _date(a.at),
                a.user or "—",
                (a.user.institution if a.user and a.user.institution else "—"),
                a.case_reference,
                a.get_channel_display(),
                a.reason or "—",
            ]
            for a in file.access_log
        ],
    )
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title="Relevé des données détenues – droit d'accès",
        author=str(partnership),
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
    )
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
