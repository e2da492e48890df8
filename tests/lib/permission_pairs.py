"""Proving that each boolean permission agrees with the queryset beside it.

A row pairs `user_can_<verb>_<thing>(user, obj)` with the queryset function answering the
same question for many objects. The objects are every row of the queryset's model; where
the boolean is asked about something else (the audit log of a partnership, where the
queryset lists its entries), `subject` says what to ask it about for each object.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType


def _itself(obj):
    return obj


@dataclass(frozen=True)
class Pair:
    boolean: Callable
    queryset: Callable
    subject: Callable = _itself

    @property
    def name(self) -> str:
        return f"{self.boolean.__name__}~{self.queryset.__name__}"


def pair_check(pair: Pair, users: dict) -> tuple[list[str], set[bool]]:
    """Every disagreement, as readable lines, and the answers the boolean gave."""
    wrong: list[str] = []
    answers: set[bool] = set()
    for who, user in users.items():
        listed = list(pair.queryset(user).values_list("pk", flat=True))
        if len(listed) != len(set(listed)):
            wrong.append(f"{pair.queryset.__name__}({who}) lists an object more than once: {sorted(listed)}")
        model = pair.queryset(user).model
        for obj in model._default_manager.all():
            allowed = pair.boolean(user, pair.subject(obj))
            answers.add(allowed)
            if allowed != (obj.pk in listed):
                wrong.append(
                    f"{who} / {model.__name__} {obj.pk} ({obj}): {pair.boolean.__name__} says {allowed}, "
                    f"{pair.queryset.__name__} says {obj.pk in listed}"
                )
    return wrong, answers


def assert_pair_agrees(pair: Pair, users: dict) -> None:
    wrong, answers = pair_check(pair, users)
    assert wrong == []
    assert answers == {True, False}, (
        f"{pair.name} only ever answered {answers}: the cast cannot tell it from a constant"
    )


def unpaired(module: ModuleType, pairs: list[Pair], helpers: tuple[str, ...] = ()) -> set[str]:
    """The module's public functions that no row covers (and that are not named helpers)."""
    public = {
        name
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__
        and not name.startswith("_")
        and "__mutmut_" not in name  # the copies `make mutate` adds beside each function it mutates
    }
    covered = {p.boolean.__name__ for p in pairs} | {p.queryset.__name__ for p in pairs}
    return public - covered - set(helpers)
