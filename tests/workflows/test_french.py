"""French plurals in templates: singular for 0 and 1."""

import pytest
from django.template import Context, Template


def render(source: str, **context) -> str:
    return Template("{% load french %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 situation"), (1, "1 situation"), (2, "2 situations"), (1500, "1500 situations")],
)
def test_zero_and_one_take_the_singular(count, expected):
    assert render("{{ n }} situation{{ n|pluriel }}", n=count) == expected


def test_singular_and_plural_forms():
    source = '{{ n|pluriel:"sera,seront" }}'
    assert [render(source, n=n) for n in (0, 1, 3)] == ["sera", "sera", "seront"]


def test_a_list_counts_its_items_and_anything_else_counts_as_one():
    assert render("{{ items|pluriel }}", items=["a", "b"]) == "s"
    assert render("{{ items|pluriel }}", items=["a"]) == ""
    assert render("{{ thing|pluriel }}", thing=object()) == ""
