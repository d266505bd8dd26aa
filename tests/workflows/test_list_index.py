"""The open-cases index serves the lists' default filter (PostgreSQL)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.models import Case
from tests.factories import make_case

INDEX = "case_open_list_cover"


def test_the_index_covers_exactly_the_open_statuses():
    (index,) = [index for index in Case._meta.indexes if index.name == INDEX]
    _, statuses = index.condition.children[0]
    assert sorted(statuses) == sorted(Case.OPEN_STATUSES)


def list_plan(client, user, params) -> str:
    """The plan PostgreSQL makes of the list's page query, sequential scans off
    (the test's tables are a few rows: a scan would win whatever the indexes)."""
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("situations:index"), params).status_code == 200
    (sql,) = [
        query["sql"] for query in captured.captured_queries if query["sql"].startswith("WITH listed_cases")
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("params", "uses_index"),
    # A single open status may take the (status) index instead: a cost choice.
    [({}, True), ({"statut": "tous"}, False), ({"statut": "clos"}, False)],
)
def test_open_lists_read_the_open_cases_index(client, member, cell, params, uses_index):
    for _ in range(3):
        make_case(cell)
    assert (INDEX in list_plan(client, member, params)) is uses_index
