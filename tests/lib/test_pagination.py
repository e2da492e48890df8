"""lib.pagination: any page number gives a page, and the links keep the other query parameters."""

import pytest
from django.test import RequestFactory

from lib.pagination import page_get, page_number, paginate


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, 1), ("", 1), ("abc", 1), ("2.5", 1), ("0", 1), ("-4", 1), ("1", 1), (" 3 ", 3), ("7", 7), ("8", 7),
     ("1" * 40, 7)],
)  # fmt: skip
def test_page_number_is_clamped_to_the_pages_there_are(value, expected):
    assert page_number(value, last=7) == expected


def test_an_empty_list_has_one_empty_page():
    page = page_get([], "5", per_page=10)
    assert page.number == 1 and list(page) == []


def test_page_get_cuts_the_items_into_pages():
    assert list(page_get(list(range(25)), "3", per_page=10)) == [20, 21, 22, 23, 24]


def test_links_keep_the_filters_and_elide_around_the_current_page():
    request = RequestFactory().get("/log/", {"who": "manager", "page": "10"})
    page = paginate(request, list(range(200)), what="the log", per_page=10)
    assert page.number == 10
    assert page.nav.previous_href == "?who=manager&page=9"
    assert page.nav.next_href == "?who=manager&page=11"
    numbers = [link.number for link in page.nav.links]
    assert numbers == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert [link.number for link in page.nav.links if link.current] == [10]


def test_the_first_page_has_no_previous_link_and_the_last_no_next():
    request = RequestFactory().get("/log/", {"p": "x"})
    first = paginate(request, list(range(30)), what="the log", per_page=10, param="p")
    assert first.number == 1 and first.nav.previous_href is None and first.nav.next_href == "?p=2"
    last = paginate(RequestFactory().get("/log/", {"p": "99"}), list(range(30)), what="the log", per_page=10, param="p")
    assert last.number == 3 and last.nav.next_href is None and last.nav.previous_href == "?p=2"
