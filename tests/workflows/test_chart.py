"""The parcours chart of the case file: kept per set of step statuses, never stale."""

from django.utils.safestring import mark_safe
from viewflow.workflow import chart

from tests.workflows.test_flow_services import designate, examen
from workflows.views.cases import flow_chart_svg


def laid_out_now(process) -> str:
    """viewflow's chart, laid out and rendered for this request alone."""
    grid = chart.calc_layout_data(process.flow_class)
    chart.calc_cell_status(process.flow_class, grid, process.pk)
    return mark_safe(chart.grid_to_svg(grid))


def test_the_chart_follows_the_process_as_it_moves(signal, coord, referent):
    first, second = signal(last_name="Premier"), signal(last_name="Second")
    process = first.processes.get()
    at_examen = flow_chart_svg(process)
    assert at_examen == laid_out_now(process)
    # Another process at the same step shares the chart.
    assert flow_chart_svg(second.processes.get()) == at_examen
    examen(first, coord, "referent")
    after_examen = flow_chart_svg(process)
    assert after_examen != at_examen
    assert after_examen == laid_out_now(process)
    designate(first, coord, referent)
    assert flow_chart_svg(process) == laid_out_now(process) != after_examen
    # The second process did not move: its chart did not change.
    assert flow_chart_svg(second.processes.get()) == at_examen
