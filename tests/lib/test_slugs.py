import pytest

from lib.slugs import slug_unique


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("2019/20", "2019-20"),
        ("Learning and Improvement", "learning-and-improvement"),
        ("Children's services: Health", "childrens-services-health"),
        ("  Neglect  ", "neglect"),
        ("!!!", ""),
        ("", ""),
    ],
)
def test_slug_is_made_from_the_title(base, expected):
    assert slug_unique(base, set(), 60) == expected


def test_a_taken_slug_gets_the_next_free_number():
    assert slug_unique("Neglect", {"neglect"}, 60) == "neglect-2"
    assert slug_unique("Neglect", {"neglect", "neglect-2", "neglect-3"}, 60) == "neglect-4"


def test_the_slug_fits_the_length_even_with_its_number():
    assert slug_unique("Safeguarding adolescents", set(), 12) == "safeguarding"
    assert slug_unique("Safeguarding adolescents", {"safeguarding"}, 12) == "safeguardi-2"


def test_a_cut_never_leaves_a_trailing_hyphen():
    assert slug_unique("Early help offer", set(), 11) == "early-help"
    assert slug_unique("Early help offer", {"early-help-of"}, 13) == "early-help-2"
