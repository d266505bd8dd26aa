"""WindowCountPaginator: Django's Paginator answers, the page and its total in one query."""

import pytest
from django.contrib.auth.models import Group
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator

from workflows.paginator import WindowCountPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups():
    Group.objects.bulk_create(Group(name=f"groupe {index}") for index in range(7))
    return Group.objects.order_by("name")


def answers(paginator, number):
    try:
        page = paginator.page(number)
    except (EmptyPage, PageNotAnInteger) as error:
        return type(error).__name__, str(error)
    return [group.name for group in page], page.number, paginator.count, paginator.num_pages, page.has_next()


@pytest.mark.parametrize("number", [1, 2, 3, "2", 4, 0, -1, "deux", 1.5, None])
def test_same_answers_as_djangos_paginator(groups, number):
    assert answers(WindowCountPaginator(groups, 3), number) == answers(Paginator(groups, 3), number)


def test_an_empty_list_has_an_empty_first_page():
    assert answers(WindowCountPaginator(Group.objects.order_by("name"), 3), 1) == ([], 1, 0, 1, False)


def test_a_page_with_rows_is_one_query(groups, django_assert_num_queries):
    paginator = WindowCountPaginator(groups, 3)
    with django_assert_num_queries(1):
        page = paginator.page(3)
        assert (len(page), paginator.count, paginator.num_pages) == (1, 7, 3)
