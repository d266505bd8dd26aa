"""The case list's rows, written in Python (`workflows.templatetags.case_list`)."""

from datetime import date

import pytest
from django.template import Context, Template

from notifications.lateness import Late
from workflows.templatetags.case_list import case_rows
from workflows.views.cases import CaseRow

# The loop the tag replaced, as the template engine renders it.
TEMPLATE_LOOP = Template(
    "{% for row in rows %}<tr>"
    '<td><a href="{{ row.url }}">{{ row.reference }}</a></td><td>{{ row.youth }}</td>'
    "<td>{{ row.age }} ans</td><td>{{ row.commune }}</td><td>{{ row.cell }}</td>"
    "<td>{{ row.motifs }}</td><td>{{ row.profil }}</td><td>{{ row.status }}</td>"
    '<td>{% for item in row.late %}<span class="vw-badge vw-badge--late" title="{{ item.title }}">'
    "{{ item.label }}</span> {% endfor %}</td></tr>\n{% endfor %}"
)


def row(**fields) -> CaseRow:
    values = {
        "case": None,
        "url": "/app/situations/7/",
        "reference": "ARR-2026-0007",
        "age": 15,
        "youth": "DUPONT Léa",
        "commune": "Arras",
        "cell": "Arras – centre",
        "motifs": "Absentéisme scolaire, Rixes",
        "profil": "Primo-délinquant",
        "status": "Orientée",
        "late": [],
    }
    return CaseRow(**(values | fields))


ROWS = [
    row(),
    row(
        youth='O\'BRIEN <script>alert("x")</script> & Cie',
        commune="",
        late=[
            Late(label="bloqué : examen", since=date(2026, 3, 2), detail="en séance"),
            Late(label='en retard : "bilan"', since=date(2026, 4, 1), detail="échéance dépassée"),
        ],
    ),
]


def test_same_markup_as_the_template_loop():
    assert str(case_rows(ROWS)).strip() == TEMPLATE_LOOP.render(Context({"rows": ROWS})).strip()


def test_every_value_is_escaped():
    html = str(case_rows(ROWS))
    assert "<script>" not in html
    assert "O&#x27;BRIEN &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Cie" in html
    assert 'title="Depuis le 02/03/2026 – en séance">bloqué : examen</span>' in html
    assert "en retard : &quot;bilan&quot;" in html


@pytest.mark.parametrize("rows", [[], None])
def test_no_rows_says_so(rows):
    assert str(case_rows(rows)) == '<tr><td colspan="9">Aucune situation ne correspond.</td></tr>'
