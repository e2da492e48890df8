"""Addresses made from names: lib.slugs.slug_unique."""

from lib.slugs import slug_unique


def test_slug_is_made_from_the_name():
    assert slug_unique("Children's Services & Early Help", set(), 60) == "childrens-services-early-help"


def test_taken_slugs_get_a_number():
    assert slug_unique("Police", {"police"}, 60) == "police-2"
    assert slug_unique("Police", {"police", "police-2"}, 60) == "police-3"


def test_slug_and_its_number_fit_the_length():
    assert slug_unique("a" * 70, set(), 60) == "a" * 60
    assert slug_unique("a" * 70, {"a" * 60}, 60) == "a" * 58 + "-2"
    assert slug_unique("ab-cd", {"ab-c"}, 4) == "ab-2"


def test_a_name_without_letters_gives_no_slug():
    assert slug_unique("!!!", set(), 60) == ""
