"""No word of the demo partnership outside demo/ and tests/: the portal serves any partnership.

Scans the code, templates, static files and data files the portal ships. Migrations are left
out: they are the record of what was applied, and the one demo word in an early help text was
changed by a later migration.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCANNED_DIRS = [
    "agencies",
    "config",
    "lib",
    "partnership",
    "people",
    "reports",
    "reviews",
    "training",
    "templates",
    "static",
]
SKIPPED = ("migrations", "vendor")
SUFFIXES = {".py", ".html", ".txt", ".yaml", ".yml", ".css", ".js", ".json", ".svg", ".md"}
DEMO_WORDS = re.compile(
    r"dudley|dscpg|west midlands|black country|healthwatch|learning-and-improvement|barnardo|"
    r"phase trust|ncdv|serg\b",
    re.IGNORECASE,
)


def scanned_files():
    for name in SCANNED_DIRS:
        for path in (ROOT / name).rglob("*"):
            if path.is_file() and path.suffix in SUFFIXES and not any(part in SKIPPED for part in path.parts):
                yield path


def test_scan_covers_the_portals_files():
    files = list(scanned_files())
    assert len(files) > 100
    assert ROOT / "reports" / "services.py" in files and ROOT / "templates" / "base.html" in files


def test_no_demo_partnership_names_outside_demo_and_tests():
    found = []
    for path in scanned_files():
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
            if match := DEMO_WORDS.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)!r} in {line.strip()[:100]}")
    assert found == [], "Demo partnership words outside demo/ and tests/:\n" + "\n".join(found)
