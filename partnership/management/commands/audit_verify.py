"""Check that nobody altered or removed an audit entry behind the portal's back.

Run it on a schedule and after any restore. It changes nothing. Exit status 0 means every
chain is whole; otherwise it names the first broken link and exits with status 1.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from partnership.audit import BrokenLink, audit_verify
from partnership.models import Partnership


def chain_name(key: str) -> str:
    """The chain in words: whose events it holds."""
    if key == "portal":
        return "the portal-wide chain (events that belong to no partnership)"
    partnership = Partnership.objects.filter(pk=key[1:]).first()
    name = f"'{partnership.name}'" if partnership else "that no longer exists"
    return f"the chain of partnership {name} (chain {key})"


def broken_message(checked: int, broken: BrokenLink) -> str:
    where = f"entry {broken.entry_id}" if broken.entry_id else "the start of the chain"
    return (
        f"The audit trail is broken at {where} in {chain_name(broken.chain)}: {broken.problem}. "
        f"{checked} entries before it were checked and are intact. Nothing was changed. "
        "Compare the audit table with a backup taken before the damage, and find out who could "
        "change the database directly."
    )


class Command(BaseCommand):
    help = "Check every chain of the audit trail: exits with status 1 at the first altered or removed entry."

    def handle(self, *args, **options) -> None:
        checked, broken = audit_verify()
        if broken is not None:
            raise CommandError(broken_message(checked, broken))
        self.stdout.write(f"Checked {checked} audit entr{'y' if checked == 1 else 'ies'}. The audit trail is intact.")
