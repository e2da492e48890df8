"""What the benchmarks share: alternating runs, ratios with their spread, the machine's load.

Two things measured one after the other drift apart as the machine's load changes (it is
shared), so the benches run A and B alternately, round after round, and report the ratio of
each round's pair: the median, with the lowest and highest as its spread. Every figure is
printed beside the load average at the time it was taken, so a figure taken on a busy
machine says so.
"""

from __future__ import annotations

import os
import socket
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass


def load() -> str:
    """The 1, 5 and 15 minute load averages, and the number of cores they compare with."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def figure(text: str) -> None:
    """Print one figure with the load average beside it."""
    print(f"{text}  [{load()}]", flush=True)


def timed(function: Callable[[], object], repeat: int = 1) -> float:
    """Seconds per call, over `repeat` calls in a row."""
    start = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - start) / repeat


def alternate(runs: dict[str, Callable[[], float]], *, rounds: int) -> dict[str, list[float]]:
    """Run each measurement once per round, in turn, for `rounds` rounds; each returns its own figure."""
    results: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            results[name].append(run())
    return results


@dataclass(frozen=True)
class Ratio:
    median: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.median:.2f} ({self.low:.2f}-{self.high:.2f})"


def ratio(numerators: Iterable[float], denominators: Iterable[float]) -> Ratio:
    """The ratio of each round's pair (numerator / denominator): median, lowest and highest."""
    ratios = [n / d for n, d in zip(numerators, denominators, strict=True)]
    return Ratio(statistics.median(ratios), min(ratios), max(ratios))


def free_port(candidates: Iterable[int] | None = None) -> int:
    """The first port of `candidates` nothing listens on (any free port when none are given)."""
    for port in candidates or [0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"None of the ports {list(candidates or [])} is free.")


def wait_for_port(port: int, *, seconds: float = 30.0) -> None:
    """Return once something accepts connections on the port; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"Nothing answered on port {port} within {seconds:g} s.")
