"""The pieces each process holds beside the store (reports.fragments): what is held is what was stored or
read, within a byte budget with the least recently used let go first, and a read joins held pieces with
those only the store has."""

import datetime

import pytest

from lib.charts import ChartSpec
from reports import fragments
from reports.fragments import chart_svgs, fragment_key, fragments_get, fragments_held_clear, fragments_put
from reports.models import FragmentKind, RenderedFragment

pytestmark = pytest.mark.django_db


def held() -> dict[str, bytes]:
    return dict(fragments._held)


def test_a_read_joins_held_pieces_with_those_only_the_store_has():
    fragments_put(FragmentKind.SECTION, {"a" * 64: "<p>held</p>"})
    RenderedFragment.objects.create(key="b" * 64, kind=FragmentKind.SECTION, html="<p>stored élsewhere</p>")
    assert fragments_get(["a" * 64, "b" * 64, "c" * 64]) == {
        "a" * 64: "<p>held</p>",
        "b" * 64: "<p>stored élsewhere</p>",
    }
    assert held()["b" * 64] == "<p>stored élsewhere</p>".encode()


def test_a_held_piece_is_read_without_the_store():
    fragments_put(FragmentKind.SECTION, {"a" * 64: "<p>one</p>"})
    RenderedFragment.objects.all().delete()  # the table is only a cache: the process still holds the piece
    assert fragments_get(["a" * 64]) == {"a" * 64: "<p>one</p>"}


def test_the_budget_lets_the_least_recently_used_go_first(monkeypatch):
    monkeypatch.setattr(fragments, "HELD_BYTES", 25)
    fragments_put(FragmentKind.SECTION, {"1" * 64: "x" * 10, "2" * 64: "y" * 10})
    fragments_get(["1" * 64])  # used again: now the newest
    fragments_put(FragmentKind.SECTION, {"3" * 64: "z" * 10})
    assert set(held()) == {"1" * 64, "3" * 64}
    assert fragments._held_size == 20
    fragments_put(FragmentKind.SECTION, {"1" * 64: "x" * 10})  # held again: counted once
    assert fragments._held_size == 20
    fragments_put(FragmentKind.SECTION, {"4" * 64: "w" * 5})  # 25 fits exactly
    assert set(held()) == {"1" * 64, "3" * 64, "4" * 64} and fragments._held_size == 25


def test_clearing_forgets_every_piece_and_its_size():
    fragments_put(FragmentKind.SECTION, {"a" * 64: "<p>one</p>"})
    fragments_held_clear()
    assert held() == {} and fragments._held_size == 0


def test_a_piece_another_process_stored_meanwhile_is_left_as_it_is():
    RenderedFragment.objects.create(key="a" * 64, kind=FragmentKind.SECTION, html="<p>same</p>")
    fragments_put(FragmentKind.SECTION, {"a" * 64: "<p>same</p>", "b" * 64: "<p>new</p>"})
    assert RenderedFragment.objects.count() == 2


def test_html_holding_a_nul_is_not_stored():
    fragments_put(FragmentKind.SECTION, {"a" * 64: "<p>bad\x00</p>", "b" * 64: "<p>good</p>"})
    assert list(RenderedFragment.objects.values_list("key", flat=True)) == ["b" * 64]


def test_a_key_does_not_depend_on_the_order_of_its_inputs_and_takes_dates():
    day = datetime.date(2026, 12, 2)
    assert fragment_key("section", {"a": 1, "b": day}) == fragment_key("section", {"b": day, "a": 1})
    assert fragment_key("section", {"a": 1}) != fragment_key("chart", {"a": 1})


def test_charts_are_stored_as_charts():
    spec = ChartSpec("bar", "Sessions", ("One", "Two"), (("Sessions", (1.0, 2.0)),), "Sessions", "Two bars.")
    svg = chart_svgs([spec])[spec.key]
    assert "<svg" in svg
    assert RenderedFragment.objects.get(key=spec.key).kind == FragmentKind.CHART
