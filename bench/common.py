"""What the benchmarks share: alternating runs, ratios with their spread, the machine's load.

Two things measured one after the other drift apart as the machine's load changes (it is
shared), so the benches run A and B alternately, round after round, and report the ratio of
each round's pair: the median, with the lowest and highest as its spread. Every figure is
printed beside the load average at the time it was taken, so a figure taken on a busy
machine says so.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def work_dir(name: str) -> Path:
    """A bench's own folder under the system temporary directory, one per checkout of the portal, so that
    benches run from two checkouts at once never empty each other's database."""
    checkout = hashlib.sha256(str(ROOT).encode()).hexdigest()[:8]
    return Path(tempfile.gettempdir()) / f"portal-bench-{name}-{checkout}"


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
        return self.format(2)

    def format(self, digits: int) -> str:
        return f"{self.median:.{digits}f} ({self.low:.{digits}f}-{self.high:.{digits}f})"


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


# The portal's code the benches' data is built from: a database built once is kept while it is unchanged.
SOURCES = ("agencies", "config", "demo", "lib", "partnership", "people", "reports", "reviews", "training")


def source_key(*extra: Path) -> str:
    """A digest of every file the data is built from: the apps, their migrations and the demo, and `extra`."""
    digest = hashlib.sha256()
    files = list(extra)
    for top in SOURCES:
        files += sorted(p for p in (ROOT / top).rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


CACHE = work_dir("cache")


def _cached(name: str, key: str) -> tuple[Path, Path]:
    return CACHE / f"{name}-{key}.sqlite3", CACHE / f"{name}-{key}-media"


def restore(name: str, key: str, database: Path, media: Path) -> bool:
    """Copy the SQLite database and media folder saved as `name` from the same code, if any; whether it was."""
    saved, saved_media = _cached(name, key)
    if not saved.exists():
        return False
    shutil.copyfile(saved, database)
    shutil.rmtree(media, ignore_errors=True)
    shutil.copytree(saved_media, media)
    return True


def save(name: str, key: str, database: Path, media: Path) -> None:
    """Keep the database and media folder as `name` for the next run from the same code (closes Django's
    connection first); copies saved from older code are removed."""
    from django.db import connections

    connections.close_all()
    CACHE.mkdir(parents=True, exist_ok=True)
    for old in CACHE.glob(f"{name}-*"):
        if old.is_dir():
            shutil.rmtree(old)
        else:
            old.unlink()
    saved, saved_media = _cached(name, key)
    shutil.copyfile(database, saved)
    shutil.copytree(media, saved_media) if media.exists() else saved_media.mkdir()


def cached(
    name: str, database: Path, media: Path, build: Callable[[], object], *, fresh: bool = False, key: str = ""
) -> str:
    """Django's configured SQLite database and media folder (`database`, `media`) as `build` leaves them:
    copied from the last run from the same code (by default the apps, the demo and the calling bench; or
    `key`), or built and kept. Call with Django set up and nothing read yet; returns what it did, to print."""
    import __main__

    key = key or source_key(Path(__main__.__file__).resolve(), ROOT / "bench" / "tenyears.py")
    if not fresh and restore(name, key, database, media):
        return f"{name}: as built earlier from the same code (in {CACHE}; --fresh builds it again)"
    start = time.perf_counter()
    build()
    save(name, key, database, media)
    return f"{name}: built in {time.perf_counter() - start:.0f} s (kept in {CACHE} for the next run)"


def demo_load() -> None:
    """Migrate, and load the demo (`load_demo`)."""
    from io import StringIO

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=StringIO())


def demo_database(database: Path, media: Path, *, fresh: bool = False) -> str:
    """The migrated database with the demo loaded, copied from the last run from the same code or built: one
    copy for every bench, since it depends on the apps and the demo alone."""
    return cached("demo", database, media, demo_load, fresh=fresh, key=source_key())


def mfa_enrol(users) -> None:
    """An authenticator app (TOTP) for each user that has none: business managers must sign in with a second
    factor, and the portal sends one without it to set one up instead of to the page asked for."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from people.mfa import mfa_enrolled

    for user in users:
        if not mfa_enrolled(user):
            TOTP.activate(user, generate_totp_secret())
