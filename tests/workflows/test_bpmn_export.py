"""The committed BPMN/SVG of the parcours match the flow (`make bpmn` regenerates them)."""

from pathlib import Path

import pytest
from django.core.management import call_command

DOC = Path(__file__).resolve().parents[2] / "workflows" / "doc"


@pytest.mark.parametrize("fmt", ["bpmn", "svg"])
def test_committed_export_is_up_to_date(fmt, capsys):
    call_command("flowexport", "workflows/flows.CaseFlow", format=fmt)  # prints to stdout
    assert capsys.readouterr().out.strip() == (DOC / f"case_flow.{fmt}").read_text().strip(), (
        "run `make bpmn`"
    )


def test_the_bpmn_has_every_task_and_non_interrupting_timers():
    bpmn = (DOC / "case_flow.bpmn").read_text()
    for title in (
        "Examen en cellule",
        "Rappel à l&#x27;ordre",
        "Suivi et bilan de parcours",
        "Examen du bilan",
    ):
        assert title in bpmn
    assert 'cancelActivity="false"' in bpmn
